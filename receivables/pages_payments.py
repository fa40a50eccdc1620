"""The finance clerk's payment pages: record a payment (the entry page with its live allocation
proposal), the list of payments, and one payment with its actions (apply unapplied cash, refund
it, reverse a bounced payment).

Thin views (STYLE.md rule 1): parse, check the role, call one pipeline step, render. The entry
page proposes with `receivables.allocation.allocation_propose` over the same open items the
payment service uses, so what the clerk sees is what the service would do; the clerk may change
it, and what is saved is exactly what the inputs say.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import customer_get, customer_list
from o2c import pipeline
from o2c.csv import csv_response
from o2c.errors import DomainError
from o2c.forms import param_id, param_text
from o2c.roles import FINANCE, role_required
from receivables import selectors
from receivables.allocation import allocation_propose
from receivables.forms import (
    APPLY_PREFIX,
    PaymentApplyForm,
    PaymentEntryForm,
    PaymentFilterForm,
    PaymentRefundForm,
    PaymentReverseForm,
    allocation_basis,
    parse_amount,
)
from receivables.models import Payment

PAGE_SIZE = 50
SUGGESTIONS = 8
ZERO = Decimal("0.00")
SORTS = {
    "number": "number",
    "date": "received_on",
    "customer": "customer__code",
    "amount": "amount",
    "unapplied": "unapplied_amount",
}
CSV_HEADER = [
    "number",
    "received_on",
    "customer_code",
    "customer_name",
    "currency",
    "amount",
    "amount_applied",
    "amount_refunded",
    "unapplied_amount",
    "method",
    "reference",
    "source",
    "status",
    "reversed_on",
    "reversal_reason",
    "invoices",
]
TEMPLATE_ENTRY = "receivables/payments/entry.html"
TEMPLATE_DETAIL = "receivables/payments/detail.html"


def wants_csv(request) -> bool:
    """`?format=csv` (as the API says) or `?export=csv` (as the other pages say)."""
    return "csv" in (request.GET.get("format"), request.GET.get("export"))


def _customer_or_none(data):
    """The customer a form or link names by id (`customer`), or None."""
    customer_id = param_id(data, "customer")
    if customer_id is None:
        return None
    try:
        return customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        return None


def _payment_or_404(payment_id: int) -> Payment:
    try:
        return selectors.payment_get(payment_id=payment_id)
    except Payment.DoesNotExist:
        raise Http404("no such payment") from None


def _open_invoices(customer) -> list:
    """The customer's open invoices, oldest due first, with `days_overdue` and `disputed`."""
    if customer is None:
        return []
    return list(selectors.open_invoices(customer_id=customer.pk).prefetch_related(None))


def _proposal(invoices: list, amount: Decimal | None, reference: str) -> dict[int, Decimal]:
    """The service's own rule: invoice numbers in the reference first, then oldest due first."""
    if not invoices or amount is None or amount <= 0:
        return {}
    return dict(
        allocation_propose(invoices=selectors.open_items(invoices), amount=amount, reference=reference or "")
    )


def _with_proposal(data, invoices: list, customer):
    """The entry data with every allocation input set to the proposal for its amount and
    reference, and `basis` saying what it was proposed for."""
    data = data.copy()
    amount = parse_amount(data.get("amount"))
    reference = data.get("reference", "")
    proposal = _proposal(invoices, amount, reference) if amount is not None and amount > 0 else {}
    for invoice in invoices:
        part = proposal.get(invoice.pk)
        data[f"{APPLY_PREFIX}{invoice.pk}"] = f"{part:.2f}" if part else ""
    data["basis"] = allocation_basis(customer.pk if customer else None, amount, reference)
    return data


def _label(customer) -> str:
    return f"{customer.code} — {customer.name}" if customer else ""


# --- the entry page -----------------------------------------------------------------------------


def _entry_context(form: PaymentEntryForm, customer, *, show_errors: bool = True) -> dict:
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
    position = selectors.receivables_positions(customer_ids=[customer.pk])[customer.pk] if customer else None
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
            "open_balance": sum((invoice.balance for invoice in form.invoices), ZERO),
        },
    }


@role_required(FINANCE)
def payment_new(request):
    if request.method != "POST":
        customer = _customer_or_none(request.GET)
        invoices = _open_invoices(customer)
        initial = {
            "received_on": timezone.localdate(),
            "method": Payment.Method.BANK_TRANSFER,
            "customer": customer.pk if customer else None,
            "customer_query": _label(customer),
        }
        form = PaymentEntryForm(initial=initial, invoices=invoices)
        return render(request, TEMPLATE_ENTRY, _entry_context(form, customer))
    customer = _customer_or_none(request.POST)
    invoices = _open_invoices(customer)
    form = PaymentEntryForm(request.POST, invoices=invoices)
    if form.is_valid():
        if form.cleaned_data["basis"] != form.current_basis:
            # Saved before the proposal for these figures came back (or without the script):
            # show the proposal and let the clerk check it rather than save stale inputs.
            data = _with_proposal(request.POST, invoices, customer)
            form = PaymentEntryForm(data, invoices=invoices)
            context = _entry_context(form, customer)
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
    return render(request, TEMPLATE_ENTRY, _entry_context(form, customer))


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
    invoices = _open_invoices(customer)
    data = _with_proposal(request.POST, invoices, customer)
    form = PaymentEntryForm(data, invoices=invoices)
    return render(request, f"{TEMPLATE_ENTRY}#proposal", _entry_context(form, customer, show_errors=False))


@role_required(FINANCE)
@require_POST
def payment_entry_totals(request):
    """htmx: the footer (applied, left unapplied) for the allocation inputs as they stand."""
    customer = _customer_or_none(request.POST)
    form = PaymentEntryForm(request.POST, invoices=_open_invoices(customer))
    return render(request, f"{TEMPLATE_ENTRY}#totals", _entry_context(form, customer, show_errors=False))


@role_required(FINANCE)
@require_GET
def payment_customer_search(request):
    query = param_text(request.GET, "customer_query")
    customers = list(customer_list(search=query)[:SUGGESTIONS]) if query else []
    return render(request, f"{TEMPLATE_ENTRY}#customer-options", {"customers": customers, "query": query})


# --- the list -----------------------------------------------------------------------------------


@role_required(FINANCE)
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = {
        "status": cleaned.get("status"),
        "received_on__gte": cleaned.get("received_from"),
        "received_on__lte": cleaned.get("received_to"),
        "unapplied": True if cleaned.get("unapplied") else None,
    }
    if cleaned.get("customer"):
        filters["customer__in"] = customer_list(search=cleaned["customer"]).values("pk")
    payments = selectors.payment_list(filters=filters)
    if cleaned.get("q"):
        payments = payments.filter(Q(number__icontains=cleaned["q"]) | Q(reference__icontains=cleaned["q"]))
    sort = request.GET.get("sort", "-date")
    if sort.lstrip("-") not in SORTS:
        sort = "-date"
    payments = payments.order_by(("-" if sort.startswith("-") else "") + SORTS[sort.lstrip("-")], "-pk")
    if wants_csv(request):
        return csv_response(
            "payments.csv", CSV_HEADER, (_csv_row(payment) for payment in payments.iterator(chunk_size=500))
        )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "sort", "format", "export"):
        query.pop(name, None)
    columns = {
        key: {
            "label": label,
            "active": sort.lstrip("-") == key,
            "descending": sort == f"-{key}",
            "next": f"-{key}" if sort != f"-{key}" else key,
        }
        for key, label in (
            ("number", "Number"),
            ("date", "Received"),
            ("customer", "Customer"),
            ("amount", "Amount"),
            ("unapplied", "Unapplied"),
        )
    }
    return render(
        request,
        "receivables/payments/list.html",
        {"form": form, "page": page, "columns": columns, "query": query.urlencode(), "sort": sort},
    )


def _csv_row(payment: Payment) -> list:
    return [
        payment.number,
        payment.received_on,
        payment.customer.code,
        payment.customer.name,
        payment.currency,
        payment.amount,
        payment.amount_applied,
        payment.amount_refunded,
        payment.unapplied_amount,
        payment.method,
        payment.reference,
        payment.source,
        payment.status,
        payment.reversed_on or "",
        payment.reversal_reason,
        " ".join(
            f"{allocation.invoice.number}:{allocation.amount}"
            for allocation in payment.allocations.all()
            if allocation.reversed_on is None
        ),
    ]


# --- one payment and its actions ----------------------------------------------------------------


def _actions(payment: Payment) -> dict[str, bool]:
    """What may be done to the payment now (the services refuse the rest too)."""
    posted = payment.status == Payment.Status.POSTED
    return {
        "apply": posted and payment.unapplied_amount > 0,
        "refund": posted and payment.unapplied_amount > 0,
        "reverse": posted and payment.amount_refunded == 0,
    }


def _render_detail(request, payment: Payment, *, opened: str = "", **forms):
    actions = _actions(payment)
    invoices = _open_invoices(payment.customer) if actions["apply"] else []
    apply_form = forms.get("apply_form")
    if apply_form is None and actions["apply"]:
        proposal = _proposal(invoices, payment.unapplied_amount, payment.reference)
        apply_form = PaymentApplyForm(
            payment=payment,
            invoices=invoices,
            initial={f"{APPLY_PREFIX}{invoice_id}": f"{part:.2f}" for invoice_id, part in proposal.items()},
        )
    refund_form = forms.get("refund_form") or (
        PaymentRefundForm(payment=payment, initial={"amount": payment.unapplied_amount})
        if actions["refund"]
        else None
    )
    reverse_form = forms.get("reverse_form") or (PaymentReverseForm() if actions["reverse"] else None)
    allocations = list(payment.allocations.all())
    return render(
        request,
        TEMPLATE_DETAIL,
        {
            "payment": payment,
            "allocations": allocations,
            "active_allocations": [a for a in allocations if a.reversed_on is None],
            "actions": actions,
            "any_action": any(actions.values()),
            "apply_form": apply_form,
            "apply_rows": [
                {"invoice": invoice, "field": apply_form.apply_field(invoice.pk)} for invoice in invoices
            ]
            if apply_form
            else [],
            "refund_form": refund_form,
            "reverse_form": reverse_form,
            "opened": opened,
        },
    )


@role_required(FINANCE)
@require_GET
def payment_detail(request, payment_id: int):
    return _render_detail(request, _payment_or_404(payment_id))


@role_required(FINANCE)
@require_POST
def payment_apply(request, payment_id: int):
    payment = _payment_or_404(payment_id)
    if not _actions(payment)["apply"]:
        messages.error(request, f"{payment.number} has no unapplied cash to apply.")
        return redirect("receivables:payment-detail", payment_id=payment.pk)
    form = PaymentApplyForm(request.POST, payment=payment, invoices=_open_invoices(payment.customer))
    if form.is_valid():
        try:
            pipeline.payment_apply(payment_id=payment.pk, allocations=form.allocations(), by=request.user)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                f"{form.applied_total} {payment.currency} of {payment.number}'s unapplied cash applied.",
            )
            return redirect("receivables:payment-detail", payment_id=payment.pk)
    return _render_detail(request, payment, opened="apply", apply_form=form)


@role_required(FINANCE)
@require_POST
def payment_refund(request, payment_id: int):
    payment = _payment_or_404(payment_id)
    if not _actions(payment)["refund"]:
        messages.error(request, f"{payment.number} has no unapplied cash to refund.")
        return redirect("receivables:payment-detail", payment_id=payment.pk)
    form = PaymentRefundForm(request.POST, payment=payment)
    if form.is_valid():
        try:
            pipeline.payment_refund(
                payment_id=payment.pk,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{form.cleaned_data['amount']} {payment.currency} of {payment.number} refunded."
            )
            return redirect("receivables:payment-detail", payment_id=payment.pk)
    return _render_detail(request, payment, opened="refund", refund_form=form)


@role_required(FINANCE)
@require_POST
def payment_reverse(request, payment_id: int):
    payment = _payment_or_404(payment_id)
    if not _actions(payment)["reverse"]:
        messages.error(request, f"{payment.number} cannot be reversed.")
        return redirect("receivables:payment-detail", payment_id=payment.pk)
    form = PaymentReverseForm(request.POST)
    if form.is_valid():
        try:
            pipeline.payment_reverse(
                payment_id=payment.pk, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"{payment.number} reversed: its allocations are undone and its invoices open again."
            )
            return redirect("receivables:payment-detail", payment_id=payment.pk)
    return _render_detail(request, payment, opened="reverse", reverse_form=form)


urlpatterns = [
    path("payments/", payment_list, name="payments"),
    path("payments/new/", payment_new, name="payment-new"),
    path("payments/new/customers/", payment_customer_search, name="payment-customer-search"),
    path("payments/new/proposal/", payment_entry_proposal, name="payment-proposal"),
    path("payments/new/totals/", payment_entry_totals, name="payment-totals"),
    path("payments/<int:payment_id>/", payment_detail, name="payment-detail"),
    path("payments/<int:payment_id>/apply/", payment_apply, name="payment-apply"),
    path("payments/<int:payment_id>/refund/", payment_refund, name="payment-refund"),
    path("payments/<int:payment_id>/reverse/", payment_reverse, name="payment-reverse"),
]
