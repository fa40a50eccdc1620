"""A credit note worth more than is open on its invoice (decision 0063).

The customer had paid for what the credit note takes back: the part beyond the open balance
(`CreditNote.amount_on_account`) is paid money the invoice no longer needs. It goes back to the
payments that paid the invoice, newest first, as their unapplied cash — the one kind of customer
credit the books know (customer advances, 2100). From there finance applies it to another open
invoice (`payment_apply`) or pays it out (`payment_refund`: Dr customer advances / Cr bank), the
same as any overpayment; the aging shows it as unapplied, the statement as a credit balance.

Runs in the caller's transaction (o2c/pipeline/billing.py) after the credit note and its open
item are written, with the invoice and the payments locked (invoices before payments). Only
invoices in the base currency give paid money back (invoicing.services.credit_note_create), so
every base amount here is the amount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ledger.services import LineSpec, journal_entry_post
from o2c.errors import Conflict
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import Allocation, Payment
from receivables.models import ReceivableEntry
from receivables.services import receivable_entries_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import CreditNote

Kind = ReceivableEntry.Kind


def credit_note_on_account(
    *, credit_note: CreditNote, payments: dict[int, Payment], by: User | None = None
) -> list[tuple[Payment, Decimal]]:
    """Give `credit_note.amount_on_account` back to the payments applied to its invoice (locked,
    id → payment): each allocation, newest first, is reversed and, when only part of it comes back,
    replaced by one for the rest on its own date. Posts Dr receivables / Cr customer advances.
    Returns what each payment got back."""
    amount, on = credit_note.amount_on_account, credit_note.issue_date
    if amount <= 0:
        return []
    standing = Allocation.objects.filter(
        invoice_id=credit_note.invoice_id, reversed_on__isnull=True
    ).order_by("-applied_on", "-pk")
    left, back, entries = amount, [], []
    for allocation in standing:
        if not left:
            break
        part = min(left, allocation.amount)
        left -= part
        payment = payments[allocation.payment_id]
        allocation.reversed_on = on
        allocation.save(update_fields=["reversed_on"])
        if part < allocation.amount:  # the rest stays applied, as of when it was
            Allocation.objects.create(
                payment=payment,
                invoice_id=allocation.invoice_id,
                amount=allocation.amount - part,
                amount_base=allocation.amount - part,  # base currency only (invoicing refuses others)
                payment_base=allocation.amount - part,
                applied_on=allocation.applied_on,
                reason=allocation.reason,
                created_by=allocation.created_by,
            )
        common = {"customer_id": payment.customer_id, "currency": payment.currency, "entry_date": on}
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL,
                amount=part,
                amount_base=part,
                invoice_id=credit_note.invoice_id,
                payment=payment,
                credit_note_id=credit_note.pk,
                **common,
            )
        )
        entries.append(
            ReceivableEntry(
                kind=Kind.ALLOCATION_REVERSAL,
                amount=-part,
                amount_base=-part,
                payment=payment,
                credit_note_id=credit_note.pk,
                **common,
            )
        )
        payment.amount_applied -= part
        payment.unapplied_amount += part
        payment.last_movement_on = max(filter(None, [payment.last_movement_on, on]))
        payment.save(update_fields=["amount_applied", "unapplied_amount", "last_movement_on"])
        back.append((payment, part))
    if left:  # invoicing checked the credit against what was paid: this cannot happen
        raise Conflict(
            f"{credit_note.number}: {left} of {amount} has no payment to go back to",
            code=CashErrorCode.EXCEEDS_UNAPPLIED,
        )
    journal_entry_post(
        entry_date=on,
        memo=(
            f"Credit note {credit_note.number}: {amount} beyond the open balance back to unapplied cash of "
            + ", ".join(payment.number for payment, _ in back)
        ),
        lines=[
            LineSpec(account="receivables", debit=amount),
            LineSpec(account="customer_advances", credit=amount),
        ],
        source="credit_note",
        source_reference=credit_note.number,
        by=by,
    )
    receivable_entries_add(entries)  # after the journal entry (decision 0050)
    return back
