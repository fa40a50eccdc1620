"""Quotation pages: entry (the order entry component: same form, htmx, keyboard, live totals),
the list, one quotation with its actions, timeline and links, and its PDF. Sales and managers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customer_list
from inventory.selectors import warehouse_list
from o2c import pipeline
from o2c.documents import pdf_response
from o2c.errors import DomainError
from o2c.roles import SALES, role_required
from o2c.states import transitions_from
from o2c.tables import list_page
from orders.forms import line_rows_of
from orders.views import entry_context
from quotations import selectors, services
from quotations.documents import quotation_filename, quotation_pdf_render
from quotations.forms import DeclineForm, QuotationEntryForm, QuotationFilterForm
from quotations.models import Quotation
from quotations.tables import QuotationTable

STATUS = Quotation.Status


def _quotation_or_404(quotation_id: int) -> Quotation:
    try:
        return selectors.quotation_get(quotation_id=quotation_id)
    except Quotation.DoesNotExist:
        raise Http404("no such quotation") from None


def _render_entry(request, form: QuotationEntryForm, *, quotation: Quotation | None = None):
    context = entry_context(form, document=quotation)
    context["quotation"] = quotation
    return render(request, "quotations/quotation_form.html", context)


@role_required(SALES)
def quotation_create(request):
    warehouses = list(warehouse_list())
    if request.method != "POST":
        initial = {
            "warehouse": warehouses[0].pk if warehouses else None,
            "valid_until": services.valid_until_default(on=timezone.localdate()),
        }
        return _render_entry(request, QuotationEntryForm(initial=initial, warehouses=warehouses))
    form = QuotationEntryForm(request.POST, warehouses=warehouses)
    if form.is_valid():
        try:
            quotation = services.quotation_create(
                by=request.user, customer_id=form.cleaned_data["customer"], **form.quotation_arguments()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{quotation.number} saved as a draft.")
            if form.submit_requested:  # "Save and send": the draft stays if sending is refused
                return _run(
                    request, quotation.pk, services.quotation_send, f"{quotation.number} sent by e-mail."
                )
            return redirect("quotations:detail", quotation_id=quotation.pk)
    return _render_entry(request, form)


@role_required(SALES)
def quotation_edit(request, quotation_id: int):
    quotation = _quotation_or_404(quotation_id)
    if quotation.status != STATUS.DRAFT:
        messages.error(request, f"{quotation.number} is {quotation.status} and can no longer be edited.")
        return redirect("quotations:detail", quotation_id=quotation.pk)
    warehouses = list(warehouse_list())
    if request.method != "POST":
        rows = line_rows_of(quotation.lines.all())
        initial = {
            "customer": quotation.customer_id,
            "warehouse": quotation.warehouse_id,
            "valid_until": quotation.valid_until,
            "requested_delivery_date": quotation.requested_delivery_date,
            "customer_reference": quotation.customer_reference,
            "ship_to": quotation.ship_to,
        }
        form = QuotationEntryForm(initial=initial, warehouses=warehouses, rows=rows)
        return _render_entry(request, form, quotation=quotation)
    form = QuotationEntryForm(request.POST, warehouses=warehouses)
    if form.is_valid():
        try:
            services.quotation_update(
                quotation_id=quotation.pk, by=request.user, **form.quotation_arguments()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{quotation.number} saved.")
            return redirect("quotations:detail", quotation_id=quotation.pk)
    return _render_entry(request, form, quotation=quotation)


@role_required(SALES)
def quotation_list(request):
    form = QuotationFilterForm(request.GET or None)
    cleaned = form.values
    filters = {"status": cleaned.get("status"), "number__icontains": cleaned.get("q")}
    if cleaned.get("customer"):
        filters["customer__in"] = customer_list(search=cleaned["customer"]).values("pk")
    table = QuotationTable(selectors.quotation_list(filters=filters))
    return list_page(request, table, template="quotations/quotation_list.html", filters=form)


@role_required(SALES)
def quotation_detail(request, quotation_id: int):
    quotation = _quotation_or_404(quotation_id)
    targets = transitions_from(quotation.status, Quotation.TRANSITIONS)
    labels = dict(STATUS.choices)
    events = list(selectors.quotation_events(quotation_id=quotation.pk))
    for event in events:
        event.label = event.event.replace("_", " ").capitalize()
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return render(
        request,
        "quotations/quotation_detail.html",
        {
            "quotation": quotation,
            "lines": list(quotation.lines.all()),
            "events": events,
            "actions": {
                "edit": quotation.status == STATUS.DRAFT,
                "send": STATUS.SENT in targets,
                "accept": STATUS.ACCEPTED in targets,
                "decline": STATUS.DECLINED in targets,
            },
            "decline_form": DeclineForm(),
        },
    )


def _run(request, quotation_id: int, step, success: str, **kwargs):
    try:
        step(quotation_id=quotation_id, by=request.user, **kwargs)
    except Quotation.DoesNotExist:
        raise Http404("no such quotation") from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("quotations:detail", quotation_id=quotation_id)


@role_required(SALES)
@require_POST
def quotation_send(request, quotation_id: int):
    return _run(request, quotation_id, services.quotation_send, "Quotation sent to the customer by e-mail.")


@role_required(SALES)
@require_POST
def quotation_accept(request, quotation_id: int):
    return _run(
        request,
        quotation_id,
        pipeline.quotation_accept,
        "Quotation accepted: its order is created and submitted to the credit check.",
    )


@role_required(SALES)
@require_POST
def quotation_decline(request, quotation_id: int):
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the customer's reason to decline.")
        return redirect("quotations:detail", quotation_id=quotation_id)
    return _run(
        request,
        quotation_id,
        services.quotation_decline,
        "Quotation declined.",
        reason=form.cleaned_data["reason"],
    )


@role_required(SALES)
def quotation_pdf(request, quotation_id: int):
    quotation = _quotation_or_404(quotation_id)
    return pdf_response(quotation_pdf_render(quotation=quotation), filename=quotation_filename(quotation))
