"""Days sales outstanding (standard and count-back), the collection effectiveness index and the
average days delinquent. The formulas, with a worked example, are in docs/kpi-formulas.md.

Receivables here are the open invoice balances on a date (every bucket, disputed included; not
netted with unapplied cash); credit sales are the invoices issued in a period less the credit
notes issued in it, tax included (receivables include tax too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection

from o2c.money import round_places
from reporting.aging import AgingRow, aging_totals

COUNTBACK_MAX_MONTHS = 24

_SALES = """
SELECT COALESCE((SELECT SUM(total_base) FROM invoicing_invoice WHERE issue_date BETWEEN %(start)s AND %(end)s), 0)
     - COALESCE((SELECT SUM(total_base) FROM invoicing_creditnote WHERE issue_date BETWEEN %(start)s AND %(end)s), 0)
"""

_MONTHLY_SALES = """
SELECT p.k,
       COALESCE((SELECT SUM(total_base) FROM invoicing_invoice WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
     - COALESCE((SELECT SUM(total_base) FROM invoicing_creditnote WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
  FROM unnest(%(ks)s::int[], %(starts)s::date[], %(ends)s::date[]) AS p(k, start_d, end_d)
 ORDER BY p.k
"""


def credit_sales(*, start: date, end: date) -> Decimal:
    """Invoices less credit notes issued from `start` to `end` (both included)."""
    with connection.cursor() as cursor:
        cursor.execute(_SALES, {"start": start, "end": end})
        return cursor.fetchone()[0]


_SALES_WINDOWS = """
SELECT p.end_d,
       COALESCE((SELECT SUM(total_base) FROM invoicing_invoice WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
     - COALESCE((SELECT SUM(total_base) FROM invoicing_creditnote WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
  FROM unnest(%(starts)s::date[], %(ends)s::date[]) AS p(start_d, end_d)
"""


def credit_sales_windows(*, ends: Sequence[date], days: int) -> dict[date, Decimal]:
    """reporting.dso.credit_sales over the `days` days ending on each date, in one statement."""
    if not ends:
        return {}
    starts = [end - timedelta(days=days - 1) for end in ends]
    return dict(_fetch_all(_SALES_WINDOWS, {"starts": starts, "ends": list(ends)}))


def _fetch_all(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_periods(as_of: date, first: int, count: int) -> list[tuple[int, date, date]]:
    """Month-long periods ending on `as_of`, going back: k=0 is (as_of − 1 month, as_of]."""
    return [
        (k, as_of - relativedelta(months=k + 1) + timedelta(days=1), as_of - relativedelta(months=k))
        for k in range(first, first + count)
    ]


def ratio_days(numerator: Decimal, denominator: Decimal, days: int) -> Decimal | None:
    if denominator <= 0:
        return None
    return round_places(numerator / denominator * days, 1)


@dataclass(frozen=True)
class CountbackMonth:
    start: date
    end: date
    credit_sales: Decimal
    receivables_before: Decimal  # what was still to be covered when the walk reached this month
    days: Decimal  # the days it adds to the count-back DSO

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole(self) -> bool:
        return self.days == self.length


def countback_walk(*, as_of: date, receivables: Decimal, batch_months: int = 6) -> list[CountbackMonth]:
    """The count-back walk: back month by month from `as_of` (at most COUNTBACK_MAX_MONTHS),
    taking each month's credit sales out of the receivables; a whole month counts its days, the
    last one its share. The months' sales are read `batch_months` at a time (one query each), so
    that a short walk reads little. Empty when nothing is receivable."""
    months: list[CountbackMonth] = []
    if receivables <= 0:
        return months
    left = receivables
    for first in range(0, COUNTBACK_MAX_MONTHS, batch_months):
        periods = month_periods(as_of, first, min(batch_months, COUNTBACK_MAX_MONTHS - first))
        with connection.cursor() as cursor:
            cursor.execute(
                _MONTHLY_SALES,
                {
                    "ks": [p[0] for p in periods],
                    "starts": [p[1] for p in periods],
                    "ends": [p[2] for p in periods],
                },
            )
            sales = dict(cursor.fetchall())
        for k, start, end in periods:
            length = Decimal((end - start).days + 1)
            month_sales = sales[k]
            if month_sales > 0 and left <= month_sales:
                months.append(CountbackMonth(start, end, month_sales, left, left / month_sales * length))
                return months
            months.append(CountbackMonth(start, end, month_sales, left, length))
            if month_sales > 0:
                left -= month_sales
    return months


def countback_dso(*, as_of: date, receivables: Decimal) -> Decimal | None:
    """The count-back DSO: the days of `countback_walk`, one decimal. None without sales."""
    if receivables <= 0:
        return Decimal("0.0")
    days = sum((month.days for month in countback_walk(as_of=as_of, receivables=receivables)), Decimal(0))
    return round_places(days, 1) if days else None


@dataclass(frozen=True)
class DSO:
    as_of: date
    days: int
    receivables: Decimal
    current_receivables: Decimal
    credit_sales: Decimal
    standard_dso: Decimal | None
    countback_dso: Decimal | None
    best_possible_dso: Decimal | None

    @property
    def average_days_delinquent(self) -> Decimal | None:
        if self.standard_dso is None or self.best_possible_dso is None:
            return None
        return round_places(self.standard_dso - self.best_possible_dso, 1)


def dso_report(*, as_of: date, days: int = 90) -> DSO:
    """DSO on `as_of` over the `days` days ending on it (both methods), best possible DSO."""
    totals = aging_totals(as_of=as_of)
    receivables = totals.open_balance
    sales = credit_sales(start=as_of - timedelta(days=days - 1), end=as_of)
    return DSO(
        as_of=as_of,
        days=days,
        receivables=receivables,
        current_receivables=totals.current,
        credit_sales=sales,
        standard_dso=ratio_days(receivables, sales, days),
        countback_dso=countback_dso(as_of=as_of, receivables=receivables),
        best_possible_dso=ratio_days(totals.current, sales, days),
    )


@dataclass(frozen=True)
class CEI:
    start: date
    end: date
    beginning_receivables: Decimal
    credit_sales: Decimal
    ending_receivables: Decimal
    ending_current: Decimal
    cei: Decimal | None  # percent


def cei_report(*, start: date, end: date, ending: AgingRow | None = None) -> CEI:
    """Collection effectiveness over [start, end]:
    (beginning + sales − ending total) / (beginning + sales − ending current) × 100.
    `ending`: the aging totals on `end` when the caller has them already."""
    beginning = aging_totals(as_of=start - timedelta(days=1)).open_balance
    ending = ending or aging_totals(as_of=end)
    sales = credit_sales(start=start, end=end)
    collectible = beginning + sales - ending.current
    collected = beginning + sales - ending.open_balance
    cei = round_places(collected / collectible * 100, 1) if collectible > 0 else None
    return CEI(
        start=start,
        end=end,
        beginning_receivables=beginning,
        credit_sales=sales,
        ending_receivables=ending.open_balance,
        ending_current=ending.current,
        cei=cei,
    )
