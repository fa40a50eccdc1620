"""Cash collected per ISO week: payments received less payments reversed, refunds apart; every
figure in the base currency (each payment's and refund's stored `amount_base`, decision 0062)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from o2c.money import ZERO_CENTS as ZERO
from reporting.operations.period import Period, bounds, fetch

# Payments by the date received, reversals by the date reversed, refunds (open-item rows) by theirs.
_CASH = """
SELECT date_trunc('week', day::timestamp)::date, SUM(received)::numeric(18, 2), SUM(payments),
       SUM(reversed)::numeric(18, 2), SUM(reversals), SUM(refunded)::numeric(18, 2)
  FROM (SELECT received_on AS day, amount_base AS received, 1 AS payments, 0 AS reversed, 0 AS reversals,
               0 AS refunded
          FROM receivables_payment WHERE received_on BETWEEN %(start)s AND %(end)s
        UNION ALL
        SELECT reversed_on, 0, 0, amount_base, 1, 0
          FROM receivables_payment WHERE reversed_on BETWEEN %(start)s AND %(end)s
        UNION ALL
        SELECT entry_date, 0, 0, 0, 0, amount_base
          FROM receivables_receivableentry
         WHERE kind = 'refund' AND entry_date BETWEEN %(start)s AND %(end)s) movements
 GROUP BY 1
"""


@dataclass(frozen=True)
class CashWeek:
    week_start: date | None  # the Monday; None for the total
    partial: bool = False  # the period covers only part of this week
    payments: int = 0
    received: Decimal = ZERO
    reversals: int = 0
    reversed: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net_collected(self) -> Decimal:
        return self.received - self.reversed

    @property
    def iso_week(self) -> str:
        if self.week_start is None:
            return "total"
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class CashReport:
    period: Period
    weeks: list[CashWeek]
    total: CashWeek
    currency: str = field(default_factory=lambda: str(settings.O2C_BASE_CURRENCY))  # every figure's

    def table(self) -> tuple[list[str], list[list]]:
        header = [
            "week",
            "week_start",
            "partial",
            "payments",
            "received",
            "reversals",
            "reversed",
            "net_collected",
            "refunds",
        ]
        rows = [
            [
                row.iso_week,
                row.week_start or "",
                "yes" if row.partial else "",
                row.payments,
                row.received,
                row.reversals,
                row.reversed,
                row.net_collected,
                row.refunds,
            ]
            for row in [*self.weeks, self.total]
        ]
        return header, rows


def cash_report(*, start: date, end: date) -> CashReport:
    """Cash collected per ISO week (Monday first) from `start` to `end`: payments received less
    payments reversed, each on its own date; refunds of unapplied cash apart. One query."""
    period = Period(start, end)
    found = {row[0]: row for row in fetch(_CASH, bounds(period))}
    weeks = []
    for monday in period.weeks():
        row = found.get(monday)
        partial = monday < period.start or monday + timedelta(days=6) > period.end
        figures = {}
        if row:
            figures = dict(
                zip(("received", "payments", "reversed", "reversals", "refunds"), row[1:], strict=True)
            )
        weeks.append(CashWeek(week_start=monday, partial=partial, **figures))
    total = CashWeek(
        week_start=None,
        payments=sum(week.payments for week in weeks),
        received=sum((week.received for week in weeks), ZERO),
        reversals=sum(week.reversals for week in weeks),
        reversed=sum((week.reversed for week in weeks), ZERO),
        refunds=sum((week.refunds for week in weeks), ZERO),
    )
    return CashReport(period=period, weeks=weeks, total=total)
