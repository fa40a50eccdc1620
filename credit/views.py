"""Credit pages: the hold queue, and finance's release or rejection of a held order.

Release and reject are one pipeline step each (o2c.pipeline.hold_release / hold_reject). From the
queue they answer htmx with the row's new state; a plain POST (or the order page, which posts
here with `next`) gets a redirect and a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from credit import selectors, services
from credit.forms import CreditSettingsForm
from credit.tables import HoldTable
from o2c import pipeline
from o2c.errors import DomainError
from o2c.forms import param_next
from o2c.parsing import text_check
from o2c.roles import FINANCE, MANAGER, has_role, role_required
from o2c.tables import list_page

NOTE_MAX = 500


def _customer_links() -> bool:
    try:
        reverse("customers:list")
    except NoReverseMatch:  # the customer pages may not be installed
        return False
    return True


@role_required(FINANCE)
def hold_queue(request):
    return list_page(
        request,
        HoldTable(selectors.hold_queue()),
        template="credit/hold_queue.html",
        records_name="orders",
        context={
            "customers_linked": _customer_links(),
            "risk_threshold": selectors.risk_threshold_get(),
            "can_set_threshold": has_role(request.user, MANAGER),
        },
    )


@role_required(MANAGER)
def credit_settings(request):
    """A manager's: the risk threshold of the credit check (decision 0067)."""
    current = selectors.credit_settings_get()
    form = CreditSettingsForm(request.POST or None, initial={"risk_threshold": current.risk_threshold})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.credit_settings_update(
                risk_threshold=form.cleaned_data["risk_threshold"], by=request.user
            )
        except DomainError as refusal:
            form.add_error("risk_threshold", refusal.message)
        else:
            threshold = row.risk_threshold
            messages.success(
                request,
                "The risk rule is off."
                if threshold is None
                else f"Orders of customers scored above {threshold} are held.",
            )
            return redirect("credit:settings")
    return render(
        request,
        "credit/settings.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


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
        held = selectors.held_orders_with_figures(orders=selectors.hold_queue().filter(pk=order_id))
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
