"""Cash writes: payments (record, apply, reverse, refund), write-offs, inbound payment
notifications and the part of a credit note beyond its invoice's balance (decision 0063).

Each function runs inside the caller's transaction (the steps in o2c/pipeline/) on invoices the
caller has locked (`o2c.locks.invoices_lock`, primary-key order); a payment's own row is
locked here. Every change writes its open-item rows and its journal entry together, so the
subledger and the ledger never part: receivables (1100) = Σ open invoice balances and customer
advances (2100) = Σ unapplied cash, at every commit.
"""

from receivables.cash.services.credits import credit_note_on_account
from receivables.cash.services.discounts import DiscountOutcome, cash_discounts_reverse, cash_discounts_take
from receivables.cash.services.notifications import notification_claim, notification_link
from receivables.cash.services.payments import (
    AllocationInput,
    payment_apply,
    payment_create,
)
from receivables.cash.services.reversals import payment_refund, payment_reverse
from receivables.cash.services.write_offs import write_off_create

__all__ = [
    "AllocationInput",
    "DiscountOutcome",
    "cash_discounts_reverse",
    "cash_discounts_take",
    "credit_note_on_account",
    "notification_claim",
    "notification_link",
    "payment_apply",
    "payment_create",
    "payment_refund",
    "payment_reverse",
    "write_off_create",
]
