"""Write-offs: part or all of a locked invoice's balance to bad debt, with its open-item row and
journal entry."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from ledger.rates.convert import base_share
from ledger.rates.lines import lines_to_base
from ledger.services import LineSpec, journal_entry_post
from o2c.errors import Conflict, DomainError, KernelErrorCode
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import WriteOff
from receivables.models import ReceivableEntry
from receivables.services import amount_clean, receivable_entries_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import Invoice

Kind = ReceivableEntry.Kind


def write_off_create(
    *, invoice: Invoice, amount: Decimal | str, reason: str, by: User | None = None
) -> WriteOff:
    """Write off part or all of a locked invoice's balance: Dr bad debt / Cr receivables."""
    amount = amount_clean(amount)
    if not (reason or "").strip():
        raise DomainError("give the reason for the write-off", field="reason", code=KernelErrorCode.REQUIRED)
    if amount > invoice.balance:
        raise Conflict(
            f"{amount} exceeds the {invoice.balance} open on {invoice.number}",
            code=CashErrorCode.WRITE_OFF_EXCEEDS_BALANCE,
        )
    today = timezone.localdate()
    # at the invoice's rate: its share of the invoice's open base balance (decision 0062)
    base = base_share(amount=amount, balance=invoice.balance, balance_base=invoice.balance_base)
    write_off = WriteOff.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=amount,
        reason=reason.strip()[:500],
        written_off_on=today,
        created_by=by,
    )
    journal_entry_post(
        entry_date=today,
        memo=f"Write-off on {invoice.number}: {write_off.reason}"[:500],
        lines=lines_to_base(
            [LineSpec(account="bad_debt", debit=amount), LineSpec(account="receivables", credit=amount)],
            currency=invoice.currency,
            rate=invoice.exchange_rate,
            fixed={0: base, 1: base},
        ),
        source="write_off",
        source_reference=invoice.number,
        by=by,
    )
    receivable_entries_add(  # after the journal's number: the kept exposure is locked last
        [
            ReceivableEntry(
                customer_id=invoice.customer_id,
                kind=Kind.WRITE_OFF,
                entry_date=today,
                amount=-amount,
                amount_base=-base,
                currency=invoice.currency,
                invoice=invoice,
                write_off=write_off,
            )
        ]
    )
    return write_off
