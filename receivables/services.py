"""The open-item ledger's writes, shared by every concept of receivables: the invoice's and the
credit note's own rows, adding a batch of rows, and the one rule for a positive amount.

Payments, write-offs and notifications are in cash/services/, disputes in disputes/services.py,
bank statement lines in bank/services/.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from customers.services.exposure import exposure_move
from ledger.rates.convert import is_base
from o2c.money import ZERO
from o2c.parsing import parse_amount
from receivables.models import ReceivableEntry

if TYPE_CHECKING:
    from invoicing.models import CreditNote, Invoice

Kind = ReceivableEntry.Kind


def receivable_record_invoice(*, invoice: Invoice) -> None:
    """The invoice's own row (+ its total), written when it is issued."""
    if invoice.total > 0:
        receivable_entries_add(
            [
                ReceivableEntry(
                    customer_id=invoice.customer_id,
                    kind=Kind.INVOICE,
                    entry_date=invoice.issue_date,
                    amount=invoice.total,
                    amount_base=invoice.total_base,
                    currency=invoice.currency,
                    invoice_id=invoice.pk,
                )
            ]
        )


def receivable_record_credit_note(*, credit_note: CreditNote) -> None:
    receivable_entries_add(
        [
            ReceivableEntry(
                customer_id=credit_note.customer_id,
                kind=Kind.CREDIT_NOTE,
                entry_date=credit_note.issue_date,
                amount=-credit_note.total,
                amount_base=-credit_note.total_base,
                currency=credit_note.currency,
                invoice_id=credit_note.invoice_id,
                credit_note_id=credit_note.pk,
            )
        ]
    )


def receivable_entries_add(rows: list[ReceivableEntry]) -> None:
    """Write open-item rows: every row of the ledger is written here, and the rows on invoices
    move the customer's kept open receivables by their sum (decision 0050). Callers write them
    after their journal entry, so that the kept row is the last row they lock."""
    rows = [row for row in rows if row.amount]
    for row in rows:  # a base-currency movement is its own base amount; a foreign one says its own
        if row.amount_base is None:
            if not is_base(row.currency):
                raise ValueError(f"a {row.currency} open-item row needs its base amount (decision 0062)")
            row.amount_base = row.amount
    ReceivableEntry.objects.bulk_create(rows)
    moved: dict[int, Decimal] = {}
    for row in rows:
        if row.invoice_id is not None:
            moved[row.customer_id] = moved.get(row.customer_id, ZERO) + row.amount
    for customer_id, amount in sorted(moved.items()):
        exposure_move(customer_id=customer_id, open_receivables=amount)


def amount_clean(value: object, *, field: str = "amount") -> Decimal:
    """A positive amount of money: o2c.parsing's one rule (two decimals, at most MAX_AMOUNT)."""
    return parse_amount(value, field=field)
