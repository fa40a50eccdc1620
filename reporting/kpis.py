"""The day's key figures (API `GET /reports/kpis/`, the dashboard tiles, the nightly snapshot).

Each is an SQL aggregate over indexed columns; see docs/kpi-formulas.md for the definitions:
- dso, average_days_delinquent: reporting.dso over the `days` days ending on `as_of`;
- cei: over the same window;
- receivables: open invoice balances on `as_of`; overdue: their undisputed part past due;
  overdue_percent = overdue / receivables;
- o2c_cycle_days_median (and p90): order date → the date the order became fully paid, for the
  orders fully paid in the window;
- on_time_delivery_rate: shipments delivered in the window on or before the promised date (the
  order's requested delivery date, else the shipment's estimated delivery), in percent of those
  with a promised date;
- orders_on_hold: orders whose status on `as_of` was on hold (from the order timeline).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from o2c.money import ZERO_CENTS, round_places
from reporting.aging import aging_totals
from reporting.dso import cei_report, countback_dso, credit_sales, ratio_days
from reporting.operations.period import percent

_CYCLE = """
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY paid_on - order_date),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY paid_on - order_date),
       count(*)
  FROM orders_salesorder
 WHERE paid_on BETWEEN %(start)s AND %(end)s
"""

_ON_TIME = """
SELECT count(*) FILTER (WHERE (s.delivered_at AT TIME ZONE %(tz)s)::date
                              <= COALESCE(o.requested_delivery_date, s.estimated_delivery)),
       count(*)
  FROM fulfillment_shipment s JOIN orders_salesorder o ON o.id = s.order_id
 WHERE s.delivered_at >= %(from)s AND s.delivered_at < %(to)s
   AND COALESCE(o.requested_delivery_date, s.estimated_delivery) IS NOT NULL
"""

# An order's status on a date: the target of its last status change before the next midnight.
# For each order ever held before the end of the day (the partial index `orderevent_on_hold`),
# its last status change then, by one index probe; only the orders still on hold are read.
_ON_HOLD = """
SELECT count(*), COALESCE(SUM((SELECT o.total FROM orders_salesorder o WHERE o.id = h.order_id)), 0)
  FROM (SELECT DISTINCT order_id FROM orders_orderevent WHERE to_status = 'on_hold' AND at < %(end)s) h
 WHERE (SELECT e.to_status FROM orders_orderevent e
         WHERE e.order_id = h.order_id AND e.to_status <> '' AND e.at < %(end)s
         ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'on_hold'
"""


_ON_HOLD_NOW = "SELECT count(*), COALESCE(SUM(total), 0) FROM orders_salesorder WHERE status = 'on_hold'"


def _midnight_after(day: date) -> datetime:
    """The start of the next day in the company's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _days(value) -> Decimal | None:
    return None if value is None else round_places(Decimal(str(value)), 1)


@dataclass(frozen=True)
class CycleTime:
    median_days: Decimal | None
    p90_days: Decimal | None
    orders: int


def cycle_time(*, start: date, end: date) -> CycleTime:
    with connection.cursor() as cursor:
        cursor.execute(_CYCLE, {"start": start, "end": end})
        median, p90, count = cursor.fetchone()
    return CycleTime(median_days=_days(median), p90_days=_days(p90), orders=count)


def on_time_delivery_rate(*, start: date, end: date) -> Decimal | None:
    with connection.cursor() as cursor:
        cursor.execute(
            _ON_TIME,
            {
                "from": _midnight_after(start - timedelta(days=1)),
                "to": _midnight_after(end),
                "tz": settings.TIME_ZONE,
            },
        )
        on_time, total = cursor.fetchone()
    return percent(on_time, total)


def orders_on_hold(*, as_of: date) -> tuple[int, Decimal]:
    """How many orders were on credit hold at the end of `as_of`, and their value: today from
    the orders' status, a past date from their timelines."""
    if as_of >= timezone.localdate():
        with connection.cursor() as cursor:
            cursor.execute(_ON_HOLD_NOW)
            return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(_ON_HOLD, {"end": _midnight_after(as_of)})
        count, value = cursor.fetchone()
    return count, value


@dataclass(frozen=True)
class KPIs:
    as_of: date
    days: int
    dso: Decimal | None
    countback_dso: Decimal | None
    cei: Decimal | None
    average_days_delinquent: Decimal | None
    receivables: Decimal
    overdue: Decimal
    overdue_percent: Decimal | None
    disputed: Decimal
    unapplied: Decimal
    credit_sales: Decimal
    o2c_cycle_days_median: Decimal | None
    o2c_cycle_days_p90: Decimal | None
    on_time_delivery_rate: Decimal | None
    orders_on_hold: int
    orders_on_hold_value: Decimal
    # the aging buckets (undisputed) of `receivables`, stored with the snapshot for the charts
    aging_current: Decimal = ZERO_CENTS
    aging_1_30: Decimal = ZERO_CENTS
    aging_31_60: Decimal = ZERO_CENTS
    aging_61_90: Decimal = ZERO_CENTS
    aging_over_90: Decimal = ZERO_CENTS

    def as_dict(self) -> dict:
        return asdict(self)


def kpis(*, as_of: date, days: int = 90) -> KPIs:
    """The KPIs on `as_of`, windows of `days` days ending on it."""
    start = as_of - timedelta(days=days - 1)
    totals = aging_totals(as_of=as_of)
    receivables = totals.open_balance
    sales = credit_sales(start=start, end=as_of)
    dso = ratio_days(receivables, sales, days)
    best = ratio_days(totals.current, sales, days)
    cycle = cycle_time(start=start, end=as_of)
    held, held_value = orders_on_hold(as_of=as_of)
    return KPIs(
        as_of=as_of,
        days=days,
        dso=dso,
        countback_dso=countback_dso(as_of=as_of, receivables=receivables),
        cei=cei_report(start=start, end=as_of, ending=totals).cei,
        average_days_delinquent=None if dso is None or best is None else round_places(dso - best, 1),
        receivables=receivables,
        overdue=totals.overdue,
        overdue_percent=percent(totals.overdue, receivables) if receivables > 0 else None,
        disputed=totals.disputed,
        unapplied=totals.unapplied,
        credit_sales=sales,
        o2c_cycle_days_median=cycle.median_days,
        o2c_cycle_days_p90=cycle.p90_days,
        on_time_delivery_rate=on_time_delivery_rate(start=start, end=as_of),
        orders_on_hold=held,
        orders_on_hold_value=held_value,
        aging_current=totals.current,
        aging_1_30=totals.days_1_30,
        aging_31_60=totals.days_31_60,
        aging_61_90=totals.days_61_90,
        aging_over_90=totals.days_over_90,
    )
