"""Return pages: the list, a return with its timeline and related documents, a new return from
the order page (sales), receiving it (warehouse, keyboard-friendly: tab through quantity and
restock per line, Enter receives), cancelling it, its RMA slip.

Thin views (STYLE.md rule 1): parse, check the role, call one pipeline step, render. Which actions
a return offers follows its TRANSITIONS table."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from fulfillment.selectors import shipments_of_order_lines
from o2c import pipeline
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.roles import FINANCE, SALES, WAREHOUSE, has_role, role_required
from o2c.states import transitions_from
from o2c.tables import list_page
from orders.selectors import order_get
from returns import selectors
from returns.documents import return_pdf_render
from returns.forms import CancelForm, ReturnFilterForm, ReturnReceiveForm, ReturnRequestForm
from returns.models import Return
from returns.tables import ReturnTable

STATUS = Return.Status


def _return_or_404(return_id: int) -> Return:
    try:
        return selectors.return_get(return_id=return_id)
    except Return.DoesNotExist:
        raise Http404("no such return") from None


@role_required(SALES, WAREHOUSE, FINANCE)
def return_list(request):
    form = ReturnFilterForm(request.GET or None)
    filters = form.values
    returns = selectors.return_list()
    if filters.get("q"):
        returns = returns.filter(Q(number__icontains=filters["q"]) | Q(order__number__icontains=filters["q"]))
    counts = {
        row["status"]: row["count"]
        for row in Return.objects.filter(pk__in=returns.values("pk"))
        .values("status")
        .annotate(count=Count("pk"))
    }
    if filters.get("status"):
        returns = returns.filter(status=filters["status"])
    tabs = [
        {"value": "", "label": "All", "count": sum(counts.values())},
        *({"value": value, "label": label, "count": counts.get(value, 0)} for value, label in STATUS.choices),
    ]
    return list_page(
        request,
        ReturnTable(returns),
        template="returns/return_list.html",
        filters=form,
        records_name="returns",
        context={"tabs": tabs, "status": filters.get("status") or ""},
    )


@role_required(SALES)
def return_create(request, order_id: int):
    try:
        order = order_get(order_id=order_id)
    except ObjectDoesNotExist:
        raise Http404("no such order") from None
    lines = list(order.lines.select_related("product").order_by("position"))
    form = ReturnRequestForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        returnable=selectors.returnable_quantities(order=order),
    )
    if not form.keyed:
        messages.info(request, f"{order.number} has nothing shipped left to return.")
        return redirect("orders:detail", order_id=order.pk)
    if request.method == "POST" and form.is_valid():
        try:
            rma = pipeline.return_request(
                order_id=order.pk, lines=form.chosen(), reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Return {rma.number} requested: print the RMA slip for the customer.")
            return redirect("returns:detail", return_id=rma.pk)
    return render(request, "returns/return_form.html", {"order": order, "form": form})


def _render_detail(request, rma: Return, *, receive_form=None, cancel_form=None, status: int = 200):
    targets = transitions_from(rma.status, Return.TRANSITIONS)
    warehouse, sales = has_role(request.user, WAREHOUSE), has_role(request.user, SALES)
    actions = {
        "receive": warehouse and STATUS.RECEIVED in targets,
        "cancel": (warehouse or sales) and STATUS.CANCELLED in targets,
    }
    lines = list(rma.lines.all())
    return render(
        request,
        "returns/return_detail.html",
        {
            "rma": rma,
            "lines": lines,
            "events": selectors.return_events(rma=rma),
            "shipments": list(
                shipments_of_order_lines(order_line_ids=[line.order_line_id for line in lines])
            ),
            "credit_notes": list(rma.credit_notes.all()),
            "actions": actions,
            "receive_form": receive_form or (ReturnReceiveForm(rma=rma) if actions["receive"] else None),
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@role_required(SALES, WAREHOUSE, FINANCE)
def return_detail(request, return_id: int):
    return _render_detail(request, _return_or_404(return_id))


@role_required(WAREHOUSE)
@require_POST
def return_receive(request, return_id: int):
    rma = _return_or_404(return_id)
    form = ReturnReceiveForm(request.POST, rma=rma)
    if form.is_valid():
        try:
            rma = pipeline.return_receive(return_id=rma.pk, lines=form.chosen(), by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            notes = ", ".join(note.number for note in rma.credit_notes.all())
            messages.success(
                request, f"{rma.number} received" + (f", credited by {notes}." if notes else ".")
            )
            return redirect("returns:detail", return_id=rma.pk)
    return _render_detail(request, _return_or_404(return_id), receive_form=form, status=400)


@role_required(SALES, WAREHOUSE)
@require_POST
def return_cancel(request, return_id: int):
    rma = _return_or_404(return_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            pipeline.return_cancel(return_id=rma.pk, reason=form.cleaned_data["reason"], by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{rma.number} cancelled.")
        return redirect("returns:detail", return_id=rma.pk)
    return _render_detail(request, rma, cancel_form=form, status=400)


@role_required(SALES, WAREHOUSE, FINANCE)
@require_GET
def return_pdf(request, return_id: int):
    rma = _return_or_404(return_id)
    return pdf_response(return_pdf_render(rma=rma), filename=f"{rma.number}.pdf")
