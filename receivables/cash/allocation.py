"""How a payment is spread over open invoices when the clerk does not say (DESIGN.md §2):
invoices whose number appears in the payment's reference first, then the oldest due first.

Pure: it takes the open invoices with their balances and disputed amounts and returns the
proposal; the clerk's page shows it, the payment service applies it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from o2c.money import ZERO_CENTS as ZERO
from receivables.cash.models import AllocationReason
from receivables.open_items.selectors import disputed_capped_amount


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: int
    number: str
    due_date: object
    issue_date: object
    balance: Decimal
    disputed: Decimal = ZERO
    # The cash discount it would take now (decision 0056) and the last day to earn it.
    discount: Decimal = ZERO
    discount_due_date: date | None = None

    def payable(self, on: date | None) -> Decimal:
        """What settles it on `on`: the balance less the discount while the discount runs."""
        due = self.discount_due_date
        if on is not None and due is not None and on <= due and ZERO < self.discount < self.balance:
            return self.balance - self.discount
        return self.balance

    def less(self, amount: Decimal) -> OpenInvoice:
        """What is left open after `amount` more is applied."""
        return replace(self, balance=self.balance - amount) if amount else self


def _squash(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def referenced(number: str, reference: str) -> bool:
    """`INV-2026-000012` is found in "inv 2026-000012 thanks" and "INV2026000012" alike."""
    squashed = _squash(reference)
    return bool(squashed) and _squash(number) in squashed


class Proposed(NamedTuple):
    invoice_id: int
    amount: Decimal
    reason: str  # an AllocationReason


def allocation_propose(
    *, invoices: Iterable[OpenInvoice], amount: Decimal, reference: str = "", on: date | None = None
) -> list[tuple[int, Decimal]]:
    """(invoice id, amount) pairs summing to at most `amount`, as allocation_explain spreads it."""
    return [
        (item.invoice_id, item.amount)
        for item in allocation_explain(invoices=invoices, amount=amount, reference=reference, on=on)
    ]


def allocation_explain(
    *, invoices: Iterable[OpenInvoice], amount: Decimal, reference: str = "", on: date | None = None
) -> list[Proposed]:
    """(invoice id, amount, reason) summing to at most `amount`. An invoice named in the
    reference may take its whole balance (`invoice_number_in_reference`); the others take only
    their undisputed part, oldest due first (`oldest_due`): customers pay what they do not
    contest. Received `on` or before an invoice's discount date, it takes its balance less the
    discount, which the payment then earns (decision 0056)."""
    invoices = [invoice for invoice in invoices if invoice.balance > 0]
    named = [invoice for invoice in invoices if reference and referenced(invoice.number, reference)]
    named_ids = {invoice.invoice_id for invoice in named}
    rest = [invoice for invoice in invoices if invoice.invoice_id not in named_ids]
    order = sorted(named, key=lambda i: (i.due_date, i.issue_date, i.invoice_id)) + sorted(
        rest, key=lambda i: (i.due_date, i.issue_date, i.invoice_id)
    )
    left, proposal = amount, []
    for invoice in order:
        if left <= 0:
            break
        room = (
            invoice.payable(on)
            if invoice.invoice_id in named_ids
            else invoice.payable(on)
            - disputed_capped_amount(balance=invoice.balance, disputed=invoice.disputed)
        )
        part = min(room, left)
        if part > 0:
            reason = (
                AllocationReason.INVOICE_NUMBER_IN_REFERENCE
                if invoice.invoice_id in named_ids
                else AllocationReason.OLDEST_DUE
            )
            proposal.append(Proposed(invoice.invoice_id, part, reason))
            left -= part
    return proposal
