"""Opening invoice writes: one open invoice carried over, posted to the ledger against the
opening balances account. The caller records its open item (receivables) in the same
transaction, as the billing step does for an invoice (o2c.pipeline.billing.invoice_issue)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from invoicing.errors import InvoicingErrorCode
from invoicing.models import Invoice
from ledger.rates.convert import document_rate, to_base
from ledger.services import opening_balance_post
from o2c.errors import DomainError, KernelErrorCode
from o2c.numbering import document_number_next
from o2c.parsing import date_check, parse_amount, text_check

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer


@transaction.atomic
def opening_invoice_create(
    *,
    customer: Customer,
    previous_number: str,
    issue_date: date,
    due_date: date,
    amount: Decimal,
    currency: str | None = None,
    posting_date: date | None = None,
    by: User | None = None,
) -> Invoice:
    """An open invoice of `amount` still owed, issued on `issue_date` in the previous system as
    `previous_number`: numbered in our opening series and posted on `posting_date` (the import's
    date by default) as Dr receivables / Cr opening balances. It is not e-mailed: the customer has
    it already."""
    previous_number = text_check(previous_number.strip(), field="number")
    if not previous_number:
        raise DomainError("this field may not be blank", field="number", code=KernelErrorCode.BLANK)
    amount = parse_amount(amount, field="amount")
    date_check(issue_date, field="issue_date")
    date_check(due_date, field="due_date")
    if due_date < issue_date:
        raise DomainError(
            "the due date is on or after the issue date", field="due_date", code=KernelErrorCode.OUT_OF_RANGE
        )
    currency = currency or customer.currency
    if currency != customer.currency:
        raise DomainError(
            f"the customer is invoiced in {customer.currency}",
            field="currency",
            code=KernelErrorCode.CURRENCY_MISMATCH,
        )
    if Invoice.objects.filter(previous_number=previous_number).exists():
        raise DomainError(
            f"invoice {previous_number} was carried over already",
            field="number",
            code=InvoicingErrorCode.OPENING_INVOICE_EXISTS,
        )
    rate = document_rate(currency=currency, on=issue_date)  # at the rate of its own date (0062)
    total_base = to_base(amount, rate)
    today = timezone.localdate()
    posting_date = posting_date or today
    number = document_number_next(series="opening_invoice", on=posting_date)  # series before journal
    opening_balance_post(
        entry_date=posting_date,
        account="receivables",
        amount=total_base,
        currency=currency,
        amount_currency=amount,
        memo=f"Opening invoice {previous_number} of {customer.code}",
        source="opening_invoice",
        reference=previous_number,
        by=by,
    )
    return Invoice.objects.create(
        number=number,
        order=None,
        shipment=None,
        customer=customer,
        currency=currency,
        issue_date=issue_date,
        due_date=due_date,
        previous_number=previous_number,
        billing_address=customer.billing_address or customer.name,
        net_total=amount,
        tax_total=Decimal("0.00"),
        total=amount,
        exchange_rate=rate,
        total_base=total_base,
        balance_base=total_base,
        balance=amount,
        status=Invoice.Status.OPEN,
        last_movement_on=issue_date,
    )
