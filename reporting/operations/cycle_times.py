"""Order-to-cash cycle time: days from the order date to the date the order became fully paid, by
month of payment (docs/kpi-formulas.md, "Operational reports"); the durations that order-to-ship
shares with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporting.operations.period import Period, bounds, fetch, month_label, split_total


@dataclass(frozen=True)
class Durations:
    """Days from one date to another for `count` orders: average, median and p90."""

    month: date | None
    count: int = 0
    average_days: Decimal | None = None
    median_days: Decimal | None = None
    p90_days: Decimal | None = None


def durations_sql(sql_days: str) -> str:
    return f"""count(*), round(avg({sql_days}), 1),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY {sql_days}))::numeric, 1),
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY {sql_days}))::numeric, 1)"""


_O2C = f"""
SELECT date_trunc('month', paid_on::timestamp)::date, {durations_sql("paid_on - order_date")}
  FROM orders_salesorder
 WHERE paid_on BETWEEN %(start)s AND %(end)s
 GROUP BY GROUPING SETS ((date_trunc('month', paid_on::timestamp)), ())
"""


@dataclass(frozen=True)
class CycleTimeReport:
    period: Period
    total: Durations
    months: list[Durations]

    def table(self) -> tuple[list[str], list[list]]:
        header = ["month", "orders_paid", "average_days", "median_days", "p90_days"]
        rows = [
            [month_label(row.month), row.count, row.average_days, row.median_days, row.p90_days]
            for row in [*self.months, self.total]
        ]
        return header, rows


def durations_from(row: tuple | None, month: date | None) -> Durations:
    if row is None or not row[1]:
        return Durations(month=month)
    return Durations(month=month, count=row[1], average_days=row[2], median_days=row[3], p90_days=row[4])


def cycle_time_report(*, start: date, end: date) -> CycleTimeReport:
    """Order-to-cash: the orders that became fully paid from `start` to `end`, paid_on − order
    date, overall and by month of paid_on. One query."""
    period = Period(start, end)
    total, by_month = split_total(fetch(_O2C, bounds(period)))
    return CycleTimeReport(
        period=period,
        total=durations_from(total, None),
        months=[durations_from(by_month.get(month), month) for month in period.months()],
    )
