"""The credit-hold queue: the orders on credit hold now, oldest first. Each row keeps its order's
currency; the queue's value is in the base currency: each order's total at its stored rate through
ledger.rates.convert.to_base (rounded once per order, in Python), then summed (decision 0062)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ledger.rates.convert import to_base
from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_places
from reporting.operations.period import fetch

# On hold since the latest move to on_hold on the order's timeline (its credit-hold event).
_HOLDS = """
SELECT o.id, o.number, o.customer_id, c.code, c.name, o.order_date, o.currency, o.total, o.exchange_rate,
       COALESCE(h.at, o.submitted_at, o.created_at) AS held_since, COALESCE(h.detail, ''),
       round(EXTRACT(EPOCH FROM (%(now)s - COALESCE(h.at, o.submitted_at, o.created_at))) / 86400, 1)
  FROM orders_salesorder o
  JOIN customers_customer c ON c.id = o.customer_id
  LEFT JOIN LATERAL (
      SELECT e.at, e.detail FROM orders_orderevent e
       WHERE e.order_id = o.id AND e.to_status = 'on_hold'
       ORDER BY e.at DESC, e.id DESC LIMIT 1) h ON true
 WHERE o.status = 'on_hold'
 ORDER BY held_since, o.id
"""


@dataclass(frozen=True)
class HeldOrder:
    order_id: int
    number: str
    customer_id: int
    customer_code: str
    customer_name: str
    order_date: date
    currency: str
    total: Decimal  # in the order's currency
    exchange_rate: Decimal
    held_since: datetime
    reason: str
    days_on_hold: Decimal

    @property
    def total_base(self) -> Decimal:
        return to_base(self.total, self.exchange_rate)


@dataclass(frozen=True)
class CreditHoldReport:
    as_of: datetime
    count: int
    value: Decimal  # Σ the orders' base totals
    average_days_on_hold: Decimal | None
    max_days_on_hold: Decimal | None
    orders: list[HeldOrder] = field(default_factory=list)  # oldest hold first
    currency: str = field(default_factory=lambda: str(settings.O2C_BASE_CURRENCY))  # of `value`

    def table(self) -> tuple[list[str], list[list]]:
        header = [
            "order",
            "customer_code",
            "customer_name",
            "order_date",
            "held_since",
            "days_on_hold",
            "currency",
            "total",
            "total_base",
            "reason",
        ]
        rows = [
            [
                row.number,
                row.customer_code,
                row.customer_name,
                row.order_date,
                row.held_since.isoformat(),
                row.days_on_hold,
                row.currency,
                row.total,
                row.total_base,
                row.reason,
            ]
            for row in self.orders
        ]
        return header, rows


def credit_hold_report(*, now: datetime | None = None) -> CreditHoldReport:
    """The orders on credit hold now, oldest first, with the count, their value and the average
    and longest time on hold (days, one decimal). One query."""
    now = now or timezone.now()
    orders = [HeldOrder(*row) for row in fetch(_HOLDS, {"now": now})]
    count = len(orders)
    days = [order.days_on_hold for order in orders]
    return CreditHoldReport(
        as_of=now,
        count=count,
        value=sum((order.total_base for order in orders), ZERO),
        average_days_on_hold=round_places(sum(days) / count, 1) if count else None,
        max_days_on_hold=max(days) if days else None,
        orders=orders,
    )
