"""Payments: record, apply, reverse, refund.

Each function runs inside the caller's transaction (the steps in o2c/pipeline/) on invoices the
caller has locked (`o2c.locks.invoices_lock`, primary-key order); a payment's own row is
locked here. Every change writes its open-item rows and its journal entry together, so the
subledger and the ledger never part: receivables (1100) = Σ open invoice balances and customer
advances (2100) = Σ unapplied cash, at every commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.utils import timezone

from customers.selectors import customer_get
from ledger.rates.convert import base_share, document_rate, is_base, to_base
from ledger.rates.lines import fx_lines
from ledger.services import LineSpec, journal_entry_post, posting_date_check
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO
from o2c.numbering import document_number_next
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import Allocation, AllocationReason, Payment
from receivables.models import ReceivableEntry
from receivables.selectors import payment_unapplied_base
from receivables.services import amount_clean, receivable_entries_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer
    from invoicing.models import Invoice

Kind = ReceivableEntry.Kind


@dataclass(frozen=True)
class AllocationInput:
    """A part of a payment for an invoice and why (an AllocationReason; the proposal says its own)."""

    invoice_id: int
    amount: Decimal
    reason: str = AllocationReason.MANUAL


# ── payments ─────────────────────────────────────────────────────────────────────────────────────


def _duplicate_check(*, customer: Customer, reference: str, amount: Decimal, received_on: date) -> None:
    """Refuse a payment that repeats one already recorded, unless the clerk confirmed it. An
    advisory lock on the payment's identity makes two identical concurrent requests queue."""
    key = f"payment:{customer.pk}:{reference.strip().lower()}:{amount}:{received_on.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    earlier = (
        Payment.objects.filter(
            customer=customer,
            reference__iexact=reference.strip(),
            amount=amount,
            received_on=received_on,
            status=Payment.Status.POSTED,
        )
        .values_list("number", flat=True)
        .first()
    )
    if earlier:
        raise DomainError(
            f"{earlier} already records {amount} {customer.currency} from {customer.code} with reference "
            f"{reference or '(none)'} on {received_on}; confirm to record it again",
            field="confirm_duplicate",
            code=CashErrorCode.DUPLICATE_PAYMENT,
        )


def _allocations_clean(
    *,
    payment_customer: Customer,
    currency: str,
    invoices: dict[int, Invoice],
    allocations: Sequence[AllocationInput],
) -> list[tuple[Invoice, Decimal, str]]:
    """Merge allocations per invoice (keeping the first reason); check each on the locked invoice."""
    merged: dict[int, Decimal] = {}
    reasons: dict[int, str] = {}
    for item in allocations:
        amount = amount_clean(item.amount, field="allocations")
        merged[item.invoice_id] = merged.get(item.invoice_id, ZERO) + amount
        reasons.setdefault(item.invoice_id, item.reason)
    result = []
    for invoice_id, amount in merged.items():
        invoice = invoices.get(invoice_id)
        if invoice is None or invoice.customer_id != payment_customer.pk:
            raise DomainError(
                f"invoice {invoice_id} is not an invoice of {payment_customer.code}",
                field="allocations",
                code=CashErrorCode.INVOICE_OF_OTHER_CUSTOMER,
            )
        if invoice.currency != currency:
            raise DomainError(
                f"{invoice.number} is in {invoice.currency}, the payment in {currency}",
                field="allocations",
                code=KernelErrorCode.CURRENCY_MISMATCH,
            )
        if amount > invoice.balance:
            raise Conflict(
                f"{amount} exceeds the {invoice.balance} open on {invoice.number}",
                code=CashErrorCode.ALLOCATION_EXCEEDS_BALANCE,
            )
        result.append((invoice, amount, reasons[invoice_id]))
    return result


def _apply(
    *,
    payment: Payment,
    allocations: list[tuple[Invoice, Decimal, str]],
    on: date,
    by: User | None,
    unapplied: Decimal,
    unapplied_base: Decimal,
) -> list[Allocation]:
    """Allocation rows and their open-item pairs, dated `on` — or the invoice's issue date when
    the cash came before the invoice (it was unapplied until then). In base currency each takes
    its share of the invoice's open base balance and of the payment's unapplied base
    (`unapplied` of which is `unapplied_base`): decision 0062."""
    rows, entries = [], []
    for invoice, amount, reason in allocations:
        day = max(on, invoice.issue_date)
        invoice_base = base_share(amount=amount, balance=invoice.balance, balance_base=invoice.balance_base)
        cash_base = base_share(amount=amount, balance=unapplied, balance_base=unapplied_base)
        unapplied, unapplied_base = unapplied - amount, unapplied_base - cash_base
        row = Allocation(
            payment=payment,
            invoice=invoice,
            amount=amount,
            amount_base=invoice_base,
            payment_base=cash_base,
            applied_on=day,
            reason=reason,
            created_by=by,
        )
        rows.append(row)
        common = {"customer_id": payment.customer_id, "currency": payment.currency, "entry_date": day}
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION,
                amount=-amount,
                amount_base=-invoice_base,
                invoice=invoice,
                payment=payment,
                **common,
            )
        )
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION, amount=amount, amount_base=cash_base, payment=payment, **common
            )
        )
    Allocation.objects.bulk_create(rows)
    receivable_entries_add(entries)
    return rows


def cash_lines(
    *,
    currency: str,
    sides: Sequence[tuple[str, bool, Decimal, Decimal]],
    fx: Decimal = ZERO,
    reversal: bool = False,
) -> list[LineSpec]:
    """The lines of a cash movement: (account, debit?, document amount, base amount) each, lines
    worth nothing in base left out, and the realised exchange difference `fx` (decision 0062)."""
    lines = [
        LineSpec(
            account=account,
            debit=base if debit else ZERO,
            credit=ZERO if debit else base,
            currency=currency,
            amount_currency=amount if debit else -amount,
        )
        for account, debit, amount, base in sides
        if base
    ]
    return [*lines, *fx_lines(difference=fx, currency=currency, reversal=reversal)]


def payment_create(
    *,
    customer_id: int,
    amount: Decimal | str,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    received_on: date,
    invoices: dict[int, Invoice],
    allocations: Sequence[AllocationInput],
    currency: str | None = None,
    confirm_duplicate: bool = False,
    source: str = Payment.Source.MANUAL,
    note: str = "",
    by: User | None = None,
    customer: Customer | None = None,
) -> tuple[Payment, list[Allocation]]:
    """Record a payment and apply it as `allocations` say, to `invoices` (id → invoice, locked by
    the caller); post Dr bank / Cr receivables (applied) / Cr customer advances (unapplied).
    `customer`: the customer of `customer_id` as the caller locked it, when it did."""
    try:
        if customer is None or customer.pk != customer_id:
            customer = customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise DomainError(
            f"customer {customer_id} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        ) from None
    amount = amount_clean(amount)
    if currency and currency.upper() != customer.currency:
        raise DomainError(
            f"{customer.code} pays in {customer.currency}, not {currency}",
            field="currency",
            code=KernelErrorCode.CURRENCY_MISMATCH,
        )
    if method not in Payment.Method.values:
        raise DomainError(
            f"method must be one of {', '.join(Payment.Method.values)}",
            field="method",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    if received_on > timezone.localdate():
        raise DomainError(
            "a payment cannot be received in the future",
            field="received_on",
            code=CashErrorCode.PAYMENT_DATE_IN_FUTURE,
        )
    posting_date_check(on=received_on, field="received_on")  # before anything is written
    rate = document_rate(currency=customer.currency, on=received_on)
    reference = (reference or "").strip()[:200]
    if not confirm_duplicate:
        _duplicate_check(customer=customer, reference=reference, amount=amount, received_on=received_on)
    applied = _allocations_clean(
        payment_customer=customer, currency=customer.currency, invoices=invoices, allocations=allocations
    )
    applied_total = sum((part for _, part, _ in applied), ZERO)
    if applied_total > amount:
        raise DomainError(
            f"{applied_total} allocated but the payment is {amount}",
            field="allocations",
            code=CashErrorCode.ALLOCATIONS_EXCEED_AMOUNT,
        )
    payment = Payment.objects.create(
        number=document_number_next(series="payment", on=received_on),
        customer=customer,
        currency=customer.currency,
        amount=amount,
        exchange_rate=rate,
        amount_base=to_base(amount, rate),
        amount_applied=applied_total,
        unapplied_amount=amount - applied_total,
        method=method,
        reference=reference,
        received_on=received_on,
        note=note[:500],
        source=source,
        last_movement_on=max([received_on, *(invoice.issue_date for invoice, _, _ in applied)]),
        created_by=by,
    )
    common = {"customer_id": customer.pk, "currency": payment.currency, "payment": payment}
    receivable_entries_add(
        [
            ReceivableEntry(
                kind=Kind.PAYMENT,
                entry_date=received_on,
                amount=-amount,
                amount_base=-payment.amount_base,
                **common,
            )
        ]
    )
    rows = _apply(
        payment=payment,
        allocations=applied,
        on=received_on,
        by=by,
        unapplied=amount,
        unapplied_base=payment.amount_base,
    )
    now = [row for row in rows if row.applied_on == received_on]
    applied_then = sum((row.amount for row in now), ZERO)
    invoices_base = sum((row.amount_base for row in now), ZERO)
    cash_base = sum((row.payment_base for row in now), ZERO)
    journal_entry_post(
        entry_date=received_on,
        memo=f"Payment {payment.number} from {customer.code}" + (f" ({reference})" if reference else ""),
        lines=cash_lines(
            currency=payment.currency,
            sides=[
                ("bank", True, amount, payment.amount_base),
                ("receivables", False, applied_then, invoices_base),
                ("customer_advances", False, amount - applied_then, payment.amount_base - cash_base),
            ],
            fx=cash_base - invoices_base,
        ),
        source="payment",
        source_reference=payment.number,
        by=by,
    )
    for row in rows:  # cash received before the invoice: an advance until the invoice date
        if row.applied_on != received_on:
            _post_application(payment=payment, rows=[row], on=row.applied_on, by=by)
    event_emit("payment.recorded", payment)
    return payment, rows


def _post_application(*, payment: Payment, rows: Sequence[Allocation], on: date, by: User | None) -> None:
    """Unapplied cash applied: Dr advances (at the payment's rate) / Cr receivables (at the
    invoices'), the difference a realised exchange gain or loss."""
    amount = sum((row.amount for row in rows), ZERO)
    invoices_base = sum((row.amount_base for row in rows), ZERO)
    cash_base = sum((row.payment_base for row in rows), ZERO)
    journal_entry_post(
        entry_date=on,
        memo=f"Unapplied cash of {payment.number} applied",
        lines=cash_lines(
            currency=payment.currency,
            sides=[
                ("customer_advances", True, amount, cash_base),
                ("receivables", False, amount, invoices_base),
            ],
            fx=cash_base - invoices_base,
        ),
        source="payment",
        source_reference=payment.number,
        by=by,
    )


def payment_apply(
    *,
    payment: Payment,
    invoices: dict[int, Invoice],
    allocations: Sequence[AllocationInput],
    by: User | None = None,
) -> list[Allocation]:
    """Apply unapplied cash of a locked payment to invoices (locked): Dr advances / Cr receivables."""
    if payment.status != Payment.Status.POSTED:
        raise Conflict(f"{payment.number} is reversed", code=CashErrorCode.PAYMENT_REVERSED)
    if not allocations:
        raise DomainError("give at least one allocation", field="allocations", code=KernelErrorCode.REQUIRED)
    applied = _allocations_clean(
        payment_customer=payment.customer,
        currency=payment.currency,
        invoices=invoices,
        allocations=allocations,
    )
    total = sum((part for _, part, _ in applied), ZERO)
    if total > payment.unapplied_amount:
        raise Conflict(
            f"{total} to apply but only {payment.unapplied_amount} of {payment.number} is unapplied",
            code=CashErrorCode.EXCEEDS_UNAPPLIED,
        )
    today = timezone.localdate()
    unapplied_base = (
        payment.unapplied_amount
        if is_base(payment.currency)
        else payment_unapplied_base(payment_id=payment.pk)
    )
    rows = _apply(
        payment=payment,
        allocations=applied,
        on=today,
        by=by,
        unapplied=payment.unapplied_amount,
        unapplied_base=unapplied_base,
    )
    payment.amount_applied += total
    payment.unapplied_amount -= total
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    payment.save(update_fields=["amount_applied", "unapplied_amount", "last_movement_on"])
    _post_application(payment=payment, rows=rows, on=today, by=by)
    return rows
