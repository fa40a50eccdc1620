"""The backtest of the cash forecast: made as of each month-end of the history (with only what was
known then), compared week by week with what the invoices open then actually brought in, beside
the naive forecast (every open balance on its due date, week 1 when overdue).

Per week ahead k (1..weeks), over the origins: MAE = mean |forecast − actual|, WAPE = Σ |forecast −
actual| / Σ actual, and the share of origins whose actual fell within [low, high]. Reads only; a
fixed number of statements per origin (cash_forecast's two, one for the actual receipts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from o2c.money import round_money, round_places
from reporting.forecast.selectors import WEEKS, actual_receipts, cash_forecast

FIRST_ORIGIN_DAYS = 180  # months of history the first origin needs behind it


@dataclass(frozen=True)
class WeekAhead:
    week: int
    origins: int
    actual_mean: Decimal
    forecast_mae: Decimal
    naive_mae: Decimal
    forecast_wape: Decimal | None  # percent
    naive_wape: Decimal | None
    within_range: Decimal | None  # percent of origins

    @property
    def better(self) -> bool:
        return self.forecast_mae < self.naive_mae


@dataclass(frozen=True)
class Backtest:
    origins: list[date]
    weeks: list[WeekAhead]
    total: WeekAhead  # every week ahead of every origin

    @property
    def beats_naive(self) -> bool:
        return self.total.forecast_mae < self.total.naive_mae


def month_end_origins(*, first_day: date, last_day: date, weeks: int = WEEKS) -> list[date]:
    """The month-ends at least FIRST_ORIGIN_DAYS after `first_day` whose `weeks` weeks ahead end by
    `last_day`."""
    origins = []
    month = (first_day + timedelta(days=FIRST_ORIGIN_DAYS)).replace(day=1)
    while True:
        following = (month + timedelta(days=32)).replace(day=1)
        end = following - timedelta(days=1)
        if end + timedelta(days=7 * weeks) > last_day:
            return origins
        if end >= first_day + timedelta(days=FIRST_ORIGIN_DAYS):
            origins.append(end)
        month = following


def history_span() -> tuple[date | None, date | None]:
    """The first invoice's issue date and the last open-item row's date."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MIN(issue_date) FROM invoicing_invoice),"
            " (SELECT MAX(entry_date) FROM receivables_receivableentry)"
        )
        first, last = cursor.fetchone()
    return first, last


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_places(part / whole * 100, 1) if whole else None


def _summary(week: int, triples: list[tuple[Decimal, Decimal, Decimal, bool]]) -> WeekAhead:
    """`triples`: (forecast, naive, actual, actual within the range) per origin."""
    count = len(triples)
    actual = sum((row[2] for row in triples), Decimal(0))
    forecast_error = sum((abs(row[0] - row[2]) for row in triples), Decimal(0))
    naive_error = sum((abs(row[1] - row[2]) for row in triples), Decimal(0))
    return WeekAhead(
        week=week,
        origins=count,
        actual_mean=round_money(actual / count) if count else Decimal(0),
        forecast_mae=round_money(forecast_error / count) if count else Decimal(0),
        naive_mae=round_money(naive_error / count) if count else Decimal(0),
        forecast_wape=_percent(forecast_error, actual),
        naive_wape=_percent(naive_error, actual),
        within_range=_percent(Decimal(sum(1 for row in triples if row[3])), Decimal(count)),
    )


def backtest(*, origins: list[date] | None = None, weeks: int = WEEKS) -> Backtest:
    """Forecast as of each origin (default: the history's month-ends) and compare."""
    if origins is None:
        first, last = history_span()
        origins = month_end_origins(first_day=first, last_day=last, weeks=weeks) if first and last else []
    by_week: list[list[tuple[Decimal, Decimal, Decimal, bool]]] = [[] for _ in range(weeks)]
    for origin in origins:
        forecast = cash_forecast(as_of=origin, weeks=weeks, with_promises=False)
        actual = actual_receipts(as_of=origin, weeks=weeks)
        for index, (week, received) in enumerate(zip(forecast.weeks, actual, strict=True)):
            by_week[index].append((week.expected, week.naive, received, week.low <= received <= week.high))
    rows = [_summary(index + 1, triples) for index, triples in enumerate(by_week)]
    total = _summary(0, [triple for triples in by_week for triple in triples])
    return Backtest(origins=origins, weeks=rows, total=total)
