"""The period of the operational reports and what they share: the bounds of a period as SQL
parameters, the percent helper (the KPIs use it too), the month labels, GROUPING SETS rows.

Each report is a few SQL aggregates (GROUPING SETS give the months and the total in one statement)
returning dataclasses; nothing loops over orders, invoices or payments in Python, and the number of
statements does not depend on the number of rows. The definitions are in docs/kpi-formulas.md
("Operational reports"). Durations are whole days between business dates (a shipment's or a
delivery's timestamp is read as its date in the company's time zone); medians and p90s are
`percentile_cont` (interpolated), rounded to one decimal, as in reporting.kpis.

Amounts are summed as stored on the documents, like the aging: the company invoices in its base
currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import round_places
from o2c.parsing import date_check
from reporting.errors import ReportingErrorCode

PERIOD_MAX_DAYS = 3660  # ten years: bounds the month and week tables
DEFAULT_MONTHS = 12
# How a month is labelled: "key" in tables, CSV and the API, "short" and "long" on charts.
MONTH_FORMATS = {"key": "%Y-%m", "short": "%b %y", "long": "%b %Y"}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month, last, result = self.start.replace(day=1), self.end.replace(day=1), []
        while month <= last:
            result.append(month)
            month += relativedelta(months=1)
        return result

    def weeks(self) -> list[date]:
        """The Monday of every ISO week the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        result = []
        while monday <= self.end:
            result.append(monday)
            monday += timedelta(days=7)
        return result

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def period_default(*, today: date | None = None) -> Period:
    """The last twelve months: from the first day of the month eleven months back to today."""
    today = today or timezone.localdate()
    return Period(start=today.replace(day=1) - relativedelta(months=DEFAULT_MONTHS - 1), end=today)


def period_clean(*, start: date | None, end: date | None, today: date | None = None) -> Period:
    """The period asked for; what is left out defaults to the last twelve months up to `end`.
    Raises DomainError naming the field when it is outside the supported years (1900–2200, so
    no day arithmetic overflows), backwards or longer than ten years."""
    end = date_check(end or today or timezone.localdate(), field="end")
    start = date_check(start, field="start") if start else period_default(today=end).start
    if start > end:
        raise DomainError(
            f"the start ({start}) is after the end ({end})",
            field="start",
            code=KernelErrorCode.PERIOD_REVERSED,
        )
    if (end - start).days > PERIOD_MAX_DAYS:
        raise DomainError(
            "a report covers at most ten years", field="start", code=ReportingErrorCode.PERIOD_TOO_LONG
        )
    return Period(start=start, end=end)


def _day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the company's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def bounds(period: Period) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "from": _day_start(period.start),
        "to": _day_start(period.end + timedelta(days=1)),
        "tz": settings.TIME_ZONE,
    }


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in percent, one decimal, half-up; None without a whole (the KPIs use it too)."""
    if not whole:
        return None
    return round_places(Decimal(part) / Decimal(whole) * 100, 1)


def fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_label(month: date | None, *, style: Literal["key", "short", "long"] = "key") -> str:
    """The month of `month` as the reports label it; "total" for the total row (None)."""
    return "total" if month is None else month.strftime(MONTH_FORMATS[style])


def split_total(rows: list[tuple]) -> tuple[tuple | None, dict]:
    """GROUPING SETS ((key), ()) rows: (the total row, {key: row})."""
    total, by_key = None, {}
    for row in rows:
        if row[0] is None:
            total = row
        else:
            by_key[row[0]] = row
    return total, by_key
