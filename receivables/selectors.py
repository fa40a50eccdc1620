"""Receivables reads used by other stages (credit check, customer pages).

The open-item ledger arrives with the cash issue; until invoices exist no customer owes
anything, so every position is zero. Callers already take these figures from here, so the
credit check starts counting receivables the day invoices are posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReceivablesPosition:
    open_balance: Decimal = ZERO  # invoices minus allocations, credit notes and write-offs
    overdue_undisputed: Decimal = ZERO  # past due beyond the grace days, not in dispute
    unapplied_cash: Decimal = ZERO


def receivables_positions(*, customer_ids: list[int], grace_days: int = 0) -> dict[int, ReceivablesPosition]:
    return {customer_id: ReceivablesPosition() for customer_id in customer_ids}
