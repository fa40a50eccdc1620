"""The cash forecast as of a date: what the invoices open then are expected to bring in each of the
next weeks (docs/decisions/0064-cash-forecast.md). Two statements (reporting/forecast/sql.py);
no Python loop over invoices: invoices are grouped by customer and days past due in SQL, and each
group spread over the weeks by its customer's payment history.

`METHOD` is the method in words; the page and the API show it beside the figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection

from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_money, round_places
from receivables.open_items.selectors import ledger_ends_by
from reporting.forecast import sql

WEEKS = 13
BEHAVIOUR_DAYS = 365  # the window of payments that say how a customer pays
MIN_SAMPLE = 3  # payments a customer needs for its own behaviour; fewer: the portfolio's
MIN_PROMISES = 3  # settled promises a kept rate needs (customer, then collector, then all)
Z_80 = Decimal("1.2816")  # the range: the central figure ± 1.2816 σ (the 80 % quantile of a normal)
SOURCES = ("own", "portfolio", "later_than_seen", "due_date")
SOURCE_LABELS = {
    "own": "dated by the customer's own payments",
    "portfolio": "dated by all customers' payments (fewer than 3 of its own, or none as late)",
    "later_than_seen": "later than any payment seen: after the horizon",
    "due_date": "no payment history at all: on the due date",
}

METHOD = (
    "Which money: every invoice open on the date, with its balance then. The part of an invoice in an "
    "open dispute is left out of the forecast and shown apart, dated like the rest of the invoice.",
    "When: each payment applied to an invoice in the 12 months before the date is one observation of how "
    "many days after the due date the customer pays (negative: early). An open invoice is spread over the "
    "weeks in the proportions of the customer's observations later than its own days past due, so an "
    "overdue invoice lands after the date, never in the past. A customer with fewer than 3 observations, "
    "or none as late as the invoice already is, takes those of all customers; an invoice later than any "
    "payment ever seen is put after the horizon; with no payment history at all, on its due date.",
    "Promises: an open promise to pay lands on its date (week 1 if that is past), multiplied by the share "
    "of promises kept in the last 12 months: the customer's when it has 3 settled, else its collector's "
    "customers', else everyone's, else one half. It counts at most what its invoices (all the customer's "
    "when it names none) still owe undisputed; the rest of those invoices is dated by behaviour.",
    "Range: each group of a customer's invoices due on one day is paid in a week or not, with the "
    "chance above; a customer's groups are taken to move together (it pays in runs, or is late on all), "
    "customers independently of each other; low and high are the central figure ∓ 1.28 standard "
    "deviations of that, never below zero. In the backtest 94 % of the weeks' receipts fell inside: "
    "the range is on the safe side of 80 %. Weeks run from the day after the date.",
    "Naive: the same open balances on their due date (week 1 when overdue), disputed included: the "
    "forecast the backtest (BENCHMARKS.md) measures this one against.",
)


@dataclass(frozen=True)
class ForecastWeek:
    week: int  # 1..weeks; weeks + 1 is "later"
    start: date | None
    end: date | None
    behaviour: Decimal = ZERO
    promised: Decimal = ZERO
    low: Decimal = ZERO
    high: Decimal = ZERO
    disputed: Decimal = ZERO
    naive: Decimal = ZERO

    @property
    def expected(self) -> Decimal:
        return self.behaviour + self.promised

    @property
    def label(self) -> str:
        if self.start is None:
            return "later"
        return f"W{self.week}"


@dataclass(frozen=True)
class ForecastPromise:
    promise_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    amount: Decimal
    promised_on: date
    kept_rate: Decimal
    rate_source: str  # customer, collector, all, none
    rate_settled: int
    counted: Decimal
    expected: Decimal


@dataclass(frozen=True)
class CashForecast:
    as_of: date
    weeks: list[ForecastWeek]
    later: ForecastWeek  # expected after the horizon
    total: ForecastWeek  # the weeks summed (later apart)
    by_source: dict[str, Decimal]
    promises: list[ForecastPromise] = field(default_factory=list)
    method: tuple[str, ...] = METHOD

    CSV_HEADER = (
        "week",
        "from",
        "to",
        "expected",
        "low",
        "high",
        "from_behaviour",
        "from_promises",
        "disputed_apart",
        "naive_due_date",
    )

    def table(self) -> tuple[list[str], list[list[Any]]]:
        rows = [
            [
                week.label if week.start else "later",
                week.start or "",
                week.end or "",
                week.expected,
                week.low,
                week.high,
                week.behaviour,
                week.promised,
                week.disputed,
                week.naive,
            ]
            for week in [*self.weeks, self.later]
        ]
        total = self.total
        rows.append(
            [
                f"total W1–W{len(self.weeks)}",
                "",
                "",
                total.expected,
                total.low,
                total.high,
                total.behaviour,
                total.promised,
                total.disputed,
                total.naive,
            ]
        )
        return list(self.CSV_HEADER), rows


def _params(as_of: date, weeks: int) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "since": as_of - timedelta(days=BEHAVIOUR_DAYS),
        "weeks": weeks,
        "min_sample": MIN_SAMPLE,
        "min_promises": MIN_PROMISES,
        "tz": settings.TIME_ZONE,
    }


def _sqrt(value: Decimal) -> Decimal:
    return value.sqrt() if value > 0 else ZERO


def cash_forecast(*, as_of: date, weeks: int = WEEKS, with_promises: bool = True) -> CashForecast:
    """The forecast of the receipts from the invoices open on `as_of` for `weeks` weeks after it,
    from what was known on `as_of` only. Three statements (two with `with_promises` off)."""
    now = ledger_ends_by(as_of)
    params = _params(as_of, weeks)
    with connection.cursor() as cursor:
        cursor.execute(sql.weeks_sql(now=now), params)
        rows = cursor.fetchall()
        promise_rows = []
        if with_promises:
            cursor.execute(sql.promises_sql(now=now), params)
            promise_rows = cursor.fetchall()
    figures: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_source: dict[str, Decimal] = {source: Decimal(0) for source in (*SOURCES, "promise")}
    for week, source, amount, variance, disputed in rows:
        slot = figures[week]
        amount, variance, disputed = (Decimal(value or 0) for value in (amount, variance, disputed))
        if source == "naive":
            slot["naive"] += amount
            continue
        slot["variance"] += variance
        slot["disputed"] += disputed
        if source == "promise":
            slot["promised"] += amount
            by_source["promise"] += amount
        else:
            slot["behaviour"] += amount
            by_source[source] += amount

    def build(number: int, start: date | None, end: date | None) -> ForecastWeek:
        slot = figures.get(number, {})
        behaviour = round_money(slot.get("behaviour", ZERO))
        promised = round_money(slot.get("promised", ZERO))
        spread = Z_80 * _sqrt(slot.get("variance", ZERO))
        central = behaviour + promised
        return ForecastWeek(
            week=number,
            start=start,
            end=end,
            behaviour=behaviour,
            promised=promised,
            low=max(ZERO, round_money(central - spread)),
            high=round_money(central + spread),
            disputed=round_money(slot.get("disputed", ZERO)),
            naive=round_money(slot.get("naive", ZERO)),
        )

    forecast_weeks = [
        build(number, as_of + timedelta(days=7 * number - 6), as_of + timedelta(days=7 * number))
        for number in range(1, weeks + 1)
    ]
    later = build(weeks + 1, None, None)
    total = ForecastWeek(
        week=0,
        start=None,
        end=None,
        behaviour=sum((week.behaviour for week in forecast_weeks), ZERO),
        promised=sum((week.promised for week in forecast_weeks), ZERO),
        low=sum((week.low for week in forecast_weeks), ZERO),
        high=sum((week.high for week in forecast_weeks), ZERO),
        disputed=sum((week.disputed for week in forecast_weeks), ZERO),
        naive=sum((week.naive for week in forecast_weeks), ZERO),
    )
    promises = [
        ForecastPromise(
            promise_id=row[0],
            customer_id=row[1],
            customer_code=row[2],
            customer_name=row[3],
            amount=row[4],
            promised_on=row[5],
            kept_rate=round_places(Decimal(row[6]), 3),
            rate_source=row[7],
            rate_settled=row[8],
            counted=round_money(Decimal(row[9])),
            expected=round_money(Decimal(row[10])),
        )
        for row in promise_rows
    ]
    return CashForecast(
        as_of=as_of,
        weeks=forecast_weeks,
        later=later,
        total=total,
        by_source={key: round_money(value) for key, value in by_source.items()},
        promises=promises,
    )


def actual_receipts(*, as_of: date, weeks: int = WEEKS) -> list[Decimal]:
    """What the invoices open on `as_of` actually brought in each of the `weeks` weeks after it
    (payments applied less applications reversed): the backtest's truth. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(sql.actual_sql(), _params(as_of, weeks))
        found = dict(cursor.fetchall())
    return [round_money(Decimal(found.get(number) or 0)) for number in range(1, weeks + 1)]
