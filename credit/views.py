"""Credit pages: the hold queue, and finance's release or rejection of a held order.

Release and reject are one pipeline step each (o2c.pipeline.hold_release / hold_reject). From the
queue they answer htmx with the row's new state; a plain POST (or the order page, which posts
here with `next`) gets a redirect and a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from credit import selectors
from o2c import pipeline
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.forms import param_next
from o2c.parsing import text_check
from o2c.roles import FINANCE, role_required

PAGE_SIZE = 50
NOTE_MAX = 500
CSV_HEADER = [
    "order",
    "customer_code",
    "customer_name",
    "on_hold_since",
    "days_on_hold",
    "currency",
    "order_total",
    "reason",
    "open_receivables",
    "other_open_orders",
    "this_order",
    "exposure",
    "credit_limit",
    "over_limit_by",
]


def _with_figures(orders) -> list:
    """Each held order with `decision`, `held_since` (date), `days_on_hold` and `over_limit_by`."""
    orders = list(orders)
    decisions = selectors.decisions_by_id(decision_ids=[order.credit_decision_id for order in orders])
    today = timezone.localdate()
    for order in orders:
        order.decision = decisions.get(order.credit_decision_id)
        held_at = order.decision.decided_at if order.decision else order.submitted_at or order.created_at
        order.held_since = timezone.localdate(held_at)
        order.days_on_hold = (today - order.held_since).days
        limit = order.decision.credit_limit if order.decision else None
        over = order.decision.exposure - limit if order.decision and limit is not None else None
        order.over_limit_by = over if over is not None and over > 0 else None
    return orders


def _customer_links() -> bool:
    try:
        reverse("customers:list")
    except NoReverseMatch:  # the customer pages may not be installed
        return False
    return True


@role_required(FINANCE)
def hold_queue(request):
    orders = selectors.hold_queue()
    if request.GET.get("export") == "csv":
        return csv_response(
            "credit-holds.csv", CSV_HEADER, (_csv_row(order) for order in _with_figures(orders))
        )
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/hold_queue.html",
        {"page": page, "orders": _with_figures(page), "customers_linked": _customer_links()},
    )


def _csv_row(order) -> list:
    decision = order.decision
    return [
        order.number,
        order.customer.code,
        order.customer.name,
        order.held_since,
        order.days_on_hold,
        order.currency,
        order.total,
        decision.reason if decision else "",
        decision.open_receivables if decision else "",
        decision.open_orders if decision else "",
        decision.order_total if decision else "",
        decision.exposure if decision else "",
        decision.credit_limit if decision and decision.credit_limit is not None else "",
        order.over_limit_by or "",
    ]


def _note_problem(note: str, *, verb: str) -> str | None:
    if not note:
        return f"Write a note saying why the hold is {verb}."
    try:
        text_check(note, field="note", multiline=True)
    except DomainError as refusal:
        return f"The note {refusal.message}."
    return None


def _decide(request, order_id: int, step, *, verb: str, outcome: str):
    note = request.POST.get("note", "").strip()[:NOTE_MAX]
    order, error = None, _note_problem(note, verb=verb)
    if error is None:
        try:
            order = step(order_id=order_id, note=note, by=request.user)
        except ObjectDoesNotExist:
            raise Http404("no such order") from None
        except DomainError as refusal:
            error = refusal.message
    if request.htmx:
        if error is None:
            return render(
                request, "credit/hold_queue.html#row-done", {"order": order, "verb": verb, "outcome": outcome}
            )
        held = _with_figures(selectors.hold_queue().filter(pk=order_id))
        context = {"error": error, "note": note, "customers_linked": _customer_links()}
        if not held:  # decided meanwhile by someone else
            return render(request, "credit/hold_queue.html#row-gone", {**context, "order_id": order_id})
        return render(request, "credit/hold_queue.html#row", {**context, "order": held[0]})
    if error is None:
        messages.success(request, f"{order.number} {verb}: {outcome}.")
    else:
        messages.error(request, error)
    return redirect(param_next(request, default=reverse("credit:holds")))


@role_required(FINANCE)
@require_POST
def hold_release(request, order_id: int):
    return _decide(
        request,
        order_id,
        pipeline.hold_release,
        verb="released",
        outcome="the order is open and stock is allocated",
    )


@role_required(FINANCE)
@require_POST
def hold_reject(request, order_id: int):
    return _decide(request, order_id, pipeline.hold_reject, verb="rejected", outcome="the order is cancelled")
