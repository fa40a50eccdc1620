"""The payment entry page: pick the customer, type the amount and reference, and see the
allocation the service would make (proposed live as the clerk types), change it, record it.

Thin views (STYLE.md rule 1): parse, check the role, call one pipeline step, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import customer_get, customer_list
from o2c import pipeline
from o2c.errors import DomainError
from o2c.forms import param_date, param_id, param_text
from o2c.money import ZERO_CENTS as ZERO
from o2c.roles import FINANCE, role_required
from receivables import selectors as receivables_selectors
from receivables.cash.forms import APPLY_PREFIX, PaymentEntryForm, allocation_basis, parse_amount
from receivables.cash.models import Payment
from receivables.cash.views.payments import (
    allocation_proposal,
    not_shown,
    open_invoices_shown,
    open_items_sorted,
    typed_ids,
)

SUGGESTIONS = 8


TEMPLATE_ENTRY = "receivables/payments/entry.html"


def _customer_or_none(data):
    """The customer a form or link names by id (`customer`), or None."""
    customer_id = param_id(data, "customer")
    if customer_id is None:
        return None
    try:
        return customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        return None


def _with_proposal(data, items: list, customer):
    """The entry data with the allocation inputs set to the proposal for its amount and reference
    (every other input emptied), and `basis` saying what it was proposed for."""
    data = data.copy()
    amount = parse_amount(data.get("amount"))
    reference = data.get("reference", "")
    on = param_date(data, "received_on") or timezone.localdate()
    proposal = (
        allocation_proposal(items, amount, reference, on=on) if amount is not None and amount > 0 else {}
    )
    for name in [name for name in data if name.startswith(APPLY_PREFIX)]:
        data[name] = ""
    for invoice_id, part in proposal.items():
        data[f"{APPLY_PREFIX}{invoice_id}"] = f"{part:.2f}" if part else ""
    data["basis"] = allocation_basis(customer.pk if customer else None, amount, reference)
    return data


def _shown(customer, items: list, data) -> list:
    """The invoices the page lists for `data`: the oldest due and those with an amount typed."""
    return open_invoices_shown(customer, items, with_ids=typed_ids(data))


def _label(customer) -> str:
    return f"{customer.code} — {customer.name}" if customer else ""


def _entry_context(form: PaymentEntryForm, customer, items: list, *, show_errors: bool = True) -> dict:
    """What the entry page shows of `form`: the customer and its position, its open invoices
    with their allocation inputs, and the live footer (applied, left unapplied)."""
    data = form.data if form.is_bound else {}
    amount = parse_amount(data.get("amount")) if form.is_bound else None
    rows, applied, unreadable = [], ZERO, False
    errors = form.errors if show_errors and form.is_bound else {}
    for invoice in form.invoices:
        name = f"{APPLY_PREFIX}{invoice.pk}"
        raw = data.get(name, "")
        value = parse_amount(raw)
        left_open = invoice.balance
        if raw.strip() and (value is None or value < 0):
            unreadable, left_open = True, None
        elif value:
            applied += value
            left_open = invoice.balance - value
        rows.append(
            {
                "invoice": invoice,
                "field": form[name],
                "errors": errors.get(name, []),
                "proposed": bool(value),
                "left_open": left_open,
            }
        )
    shown = {f"{APPLY_PREFIX}{invoice.pk}" for invoice in form.invoices}
    stray_errors = [
        message
        for name, field_errors in errors.items()
        if name.startswith(APPLY_PREFIX) and name not in shown
        for message in field_errors
    ]
    position = (
        receivables_selectors.receivables_positions(customer_ids=[customer.pk])[customer.pk]
        if customer
        else None
    )
    today = timezone.localdate()
    return {
        "form": form,
        "customer": customer,
        "customer_label": _label(customer) or data.get("customer_query", ""),
        "position": position,
        "rows": rows,
        "stray_errors": stray_errors,
        "show_errors": show_errors,
        "today": today,
        "totals": {
            "currency": customer.currency if customer else "",
            "amount": amount,
            "applied": applied,
            "unapplied": amount - applied if amount is not None else None,
            "over": amount is not None and applied > amount,
            "unreadable": unreadable,
            "open_balance": sum((item.balance for item in items), ZERO),
        },
        "not_shown": not_shown(items, form.invoices),
    }


@role_required(FINANCE)
def payment_new(request):
    if request.method != "POST":
        customer = _customer_or_none(request.GET)
        items = open_items_sorted(customer)
        invoices = open_invoices_shown(customer, items)
        initial = {
            "received_on": timezone.localdate(),
            "method": Payment.Method.BANK_TRANSFER,
            "customer": customer.pk if customer else None,
            "customer_query": _label(customer),
        }
        form = PaymentEntryForm(initial=initial, invoices=invoices)
        return render(request, TEMPLATE_ENTRY, _entry_context(form, customer, items))
    customer = _customer_or_none(request.POST)
    items = open_items_sorted(customer)
    form = PaymentEntryForm(request.POST, invoices=_shown(customer, items, request.POST))
    if form.is_valid():
        if form.cleaned_data["basis"] != form.current_basis:
            # Saved before the proposal for these figures came back (or without the script):
            # show the proposal and let the clerk check it rather than save stale inputs.
            data = _with_proposal(request.POST, items, customer)
            form = PaymentEntryForm(data, invoices=_shown(customer, items, data))
            context = _entry_context(form, customer, items)
            context["notice"] = (
                "The allocation below is proposed for the amount and reference you typed. "
                "Check it, then save again."
            )
            return render(request, TEMPLATE_ENTRY, context)
        try:
            payment = pipeline.payment_record(by=request.user, **form.pipeline_arguments())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _recorded_message(payment))
            return redirect("receivables:payment-detail", payment_id=payment.pk)
    return render(request, TEMPLATE_ENTRY, _entry_context(form, customer, items))


def _recorded_message(payment: Payment) -> str:
    count = payment.allocations.count()
    applied = (
        f"{payment.amount_applied} applied to {count} invoice{'s' if count != 1 else ''}"
        if count
        else "nothing applied"
    )
    unapplied = (
        f"{payment.unapplied_amount} stays unapplied cash" if payment.unapplied_amount else "none unapplied"
    )
    return (
        f"{payment.number} recorded: {payment.amount} {payment.currency} from {payment.customer.code}; "
        f"{applied}, {unapplied}."
    )


@role_required(FINANCE)
@require_POST
def payment_entry_proposal(request):
    """htmx: the allocation panel proposed for the customer, amount and reference typed so far,
    and the customer's position out of band."""
    customer = _customer_or_none(request.POST)
    items = open_items_sorted(customer)
    data = _with_proposal(request.POST, items, customer)
    form = PaymentEntryForm(data, invoices=_shown(customer, items, data))
    return render(
        request, f"{TEMPLATE_ENTRY}#proposal", _entry_context(form, customer, items, show_errors=False)
    )


@role_required(FINANCE)
@require_POST
def payment_entry_totals(request):
    """htmx: the footer (applied, left unapplied) for the allocation inputs as they stand."""
    customer = _customer_or_none(request.POST)
    items = open_items_sorted(customer)
    form = PaymentEntryForm(request.POST, invoices=_shown(customer, items, request.POST))
    return render(
        request, f"{TEMPLATE_ENTRY}#totals", _entry_context(form, customer, items, show_errors=False)
    )


@role_required(FINANCE)
@require_GET
def payment_customer_search(request):
    query = param_text(request.GET, "customer_query")
    customers = list(customer_list(search=query)[:SUGGESTIONS]) if query else []
    return render(request, f"{TEMPLATE_ENTRY}#customer-options", {"customers": customers, "query": query})
