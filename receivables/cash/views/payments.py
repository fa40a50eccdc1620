"""The finance clerk's payment pages: the list of payments, and one payment with its actions
(apply unapplied cash, refund it, reverse a bounced payment). The entry page is entry.py.

Thin views (STYLE.md rule 1): parse, check the role, call one pipeline step, render. Pages
propose with `receivables.cash.allocation.allocation_propose` over the same open items the
payment service uses, so what the clerk sees is what the service would do; the clerk may change
it, and what is saved is exactly what the inputs say.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import customer_list
from o2c import pipeline
from o2c.errors import DomainError
from o2c.money import ZERO_CENTS as ZERO
from o2c.roles import FINANCE, role_required
from o2c.tables import list_page
from receivables import selectors as receivables_selectors
from receivables.cash import selectors
from receivables.cash.allocation import OpenInvoice, allocation_propose
from receivables.cash.forms import (
    APPLY_PREFIX,
    PaymentApplyForm,
    PaymentFilterForm,
    PaymentRefundForm,
    PaymentReverseForm,
    allocation_invoice_id,
)
from receivables.cash.models import Payment
from receivables.cash.tables import PaymentTable

TEMPLATE_DETAIL = "receivables/payments/detail.html"


def _payment_or_404(payment_id: int) -> Payment:
    try:
        return selectors.payment_get(payment_id=payment_id)
    except Payment.DoesNotExist:
        raise Http404("no such payment") from None


# A clerk reads the oldest due first; a customer with thousands of open invoices would make a
# page of thousands of inputs (seconds to render). The page lists this many oldest due, plus every
# invoice the proposal or the clerk put an amount on; the rest is counted under the table.
SHOWN_ROWS = 50


def open_items_sorted(customer) -> list[OpenInvoice]:
    """All the customer's open invoices as the proposal takes them (light rows, one query and the
    discount batch), oldest due first."""
    if customer is None:
        return []
    return sorted(
        receivables_selectors.open_items_of(customer_id=customer.pk),
        key=lambda item: (item.due_date, item.issue_date, item.invoice_id),
    )


def typed_ids(data) -> set[int]:
    """The invoices with an amount in their `apply_<id>` input of `data`."""
    return {
        invoice_id
        for name, value in (data or {}).items()
        if (invoice_id := allocation_invoice_id(name)) is not None and str(value).strip()
    }


def open_invoices_shown(customer, items: list[OpenInvoice], *, with_ids: Iterable[int] = ()) -> list:
    """The open invoices the page lists (the first `SHOWN_ROWS` of `items` and those in
    `with_ids`), oldest due first, with `days_overdue` and `disputed`."""
    if customer is None:
        return []
    ids = {item.invoice_id for item in items[:SHOWN_ROWS]} | set(with_ids)
    return list(
        receivables_selectors.open_invoices(customer_id=customer.pk).filter(pk__in=ids).prefetch_related(None)
    )


def not_shown(items: list[OpenInvoice], invoices: list) -> dict[str, Any]:
    """What the page does not list: how many open invoices, and their balance."""
    shown = {invoice.pk for invoice in invoices}
    rest = [item for item in items if item.invoice_id not in shown]
    return {"count": len(rest), "balance": sum((item.balance for item in rest), ZERO)}


def allocation_proposal(
    items: list[OpenInvoice], amount: Decimal | None, reference: str, *, on: date | None = None
) -> dict[int, Decimal]:
    """The service's own rule: invoice numbers in the reference first, then oldest due first;
    within a discount period, the balance less the discount (received `on`)."""
    if not items or amount is None or amount <= 0:
        return {}
    return dict(allocation_propose(invoices=items, amount=amount, reference=reference or "", on=on))


# --- the list -----------------------------------------------------------------------------------


@role_required(FINANCE)
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    cleaned = form.values
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
    return list_page(request, PaymentTable(payments), template="receivables/payments/list.html", filters=form)


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
    items = open_items_sorted(payment.customer) if actions["apply"] else []
    apply_form = forms.get("apply_form")
    invoices = apply_form.invoices if apply_form is not None else []
    if apply_form is None and actions["apply"]:
        proposal = allocation_proposal(
            items, payment.unapplied_amount, payment.reference, on=payment.received_on
        )
        invoices = open_invoices_shown(payment.customer, items, with_ids=proposal)
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
            "not_shown": not_shown(items, invoices),
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
    invoices = open_invoices_shown(
        payment.customer, open_items_sorted(payment.customer), with_ids=typed_ids(request.POST)
    )
    form = PaymentApplyForm(request.POST, payment=payment, invoices=invoices)
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
