"""Payments reversed (bounced) and refunded: each posts back what it undoes, in base currency at
the rates the payment and its allocations were kept at (decision 0062)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ledger.rates.convert import base_share, document_rate, is_base, to_base
from ledger.services import journal_entry_post
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO
from o2c.states import transition
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import Allocation, Payment
from receivables.cash.services.payments import cash_lines
from receivables.models import ReceivableEntry
from receivables.selectors import payment_unapplied_base
from receivables.services import amount_clean, receivable_entries_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Kind = ReceivableEntry.Kind


def payment_reverse(*, payment: Payment, reason: str, by: User | None = None) -> dict[int, Decimal]:
    """Reverse a bounced payment (locked, its invoices locked too): its allocations are undone,
    its postings reversed. Returns what each invoice gets back (invoice id → amount)."""
    if payment.status == Payment.Status.REVERSED:
        raise Conflict(f"{payment.number} is already reversed", code=CashErrorCode.PAYMENT_REVERSED)
    if payment.amount_refunded > 0:
        raise Conflict(
            f"{payment.number} was partly refunded; it cannot be reversed",
            code=CashErrorCode.PAYMENT_REFUNDED,
        )
    if not (reason or "").strip():
        raise DomainError("give the reason for the reversal", field="reason", code=KernelErrorCode.REQUIRED)
    today = timezone.localdate()
    active = list(payment.allocations.filter(reversed_on__isnull=True).order_by("pk"))
    back: dict[int, Decimal] = {}
    entries = []
    common = {"customer_id": payment.customer_id, "currency": payment.currency, "entry_date": today}
    for allocation in active:
        back[allocation.invoice_id] = back.get(allocation.invoice_id, ZERO) + allocation.amount
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL,
                amount=allocation.amount,
                amount_base=allocation.amount_base,
                invoice_id=allocation.invoice_id,
                payment=payment,
                **common,
            )
        )
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL,
                amount=-allocation.amount,
                amount_base=-allocation.payment_base,
                payment=payment,
                **common,
            )
        )
    entries.append(
        ReceivableEntry(
            kind=Kind.PAYMENT_REVERSAL,
            amount=payment.amount,
            amount_base=payment.amount_base,
            payment=payment,
            **common,
        )
    )
    invoices_base = sum((a.amount_base for a in active), ZERO)
    cash_base = sum((a.payment_base for a in active), ZERO)
    receivable_entries_add(entries)
    Allocation.objects.filter(pk__in=[a.pk for a in active]).update(reversed_on=today)
    applied, unapplied = payment.amount_applied, payment.unapplied_amount
    payment.amount_applied = payment.unapplied_amount = ZERO
    payment.reversed_on = today
    payment.reversal_reason = reason.strip()[:500]
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    transition(
        payment,
        Payment.Status.REVERSED,
        by=by,
        reason=payment.reversal_reason,
        update_fields=[
            "amount_applied",
            "unapplied_amount",
            "reversed_on",
            "reversal_reason",
            "last_movement_on",
        ],
    )
    journal_entry_post(
        entry_date=today,
        memo=f"Payment {payment.number} reversed: {payment.reversal_reason}"[:500],
        lines=cash_lines(
            currency=payment.currency,
            sides=[
                ("receivables", True, applied, invoices_base),
                ("customer_advances", True, unapplied, payment.amount_base - cash_base),
                ("bank", False, payment.amount, payment.amount_base),
            ],
            fx=cash_base - invoices_base,
            reversal=True,
        ),
        source="payment_reversal",
        source_reference=payment.number,
        by=by,
    )
    event_emit("payment.reversed", payment, reason=payment.reversal_reason)
    return back


def payment_refund(
    *, payment: Payment, amount: Decimal | str, reason: str, by: User | None = None
) -> Payment:
    """Pay unapplied cash back to the customer (locked payment): Dr advances / Cr bank."""
    amount = amount_clean(amount)
    if payment.status != Payment.Status.POSTED:
        raise Conflict(f"{payment.number} is reversed", code=CashErrorCode.PAYMENT_REVERSED)
    if amount > payment.unapplied_amount:
        raise Conflict(
            f"{amount} to refund but only {payment.unapplied_amount} of {payment.number} is unapplied",
            code=CashErrorCode.EXCEEDS_UNAPPLIED,
        )
    if not (reason or "").strip():
        raise DomainError("give the reason for the refund", field="reason", code=KernelErrorCode.REQUIRED)
    today = timezone.localdate()
    # paid back at today's rate: the difference to the base it was kept at is realised (0062)
    bank_base = to_base(amount, document_rate(currency=payment.currency, on=today))
    if is_base(payment.currency):
        advances_base = amount
    else:
        unapplied_base = payment_unapplied_base(payment_id=payment.pk)
        advances_base = base_share(
            amount=amount, balance=payment.unapplied_amount, balance_base=unapplied_base
        )
    common = {"customer_id": payment.customer_id, "currency": payment.currency, "payment": payment}
    receivable_entries_add(
        [
            ReceivableEntry(
                kind=Kind.REFUND, entry_date=today, amount=amount, amount_base=advances_base, **common
            )
        ]
    )
    payment.amount_refunded += amount
    payment.unapplied_amount -= amount
    payment.last_movement_on = max(filter(None, [payment.last_movement_on, today]))
    payment.save(update_fields=["amount_refunded", "unapplied_amount", "last_movement_on"])
    journal_entry_post(
        entry_date=today,
        memo=f"Refund of {payment.number}: {reason.strip()}"[:500],
        lines=cash_lines(
            currency=payment.currency,
            sides=[("customer_advances", True, amount, advances_base), ("bank", False, amount, bank_base)],
            fx=advances_base - bank_base,
        ),
        source="refund",
        source_reference=payment.number,
        by=by,
    )
    return payment
