"""KPI snapshots: each day's `reporting.kpis.kpis()` stored once, so that trends cost one read.

- `snapshot_take(as_of)` computes the KPIs of a date and upserts its row (INSERT … ON CONFLICT
  (date) DO UPDATE, one statement): taking a date twice leaves one row with the same figures and a
  newer `computed_at`, also when two runs race.
- `snapshots_nightly(today)` is what the nightly task does: the day that just ended (yesterday),
  retaken even if it exists, plus any day of the week before it that has no snapshot yet (a beat
  that was down over a weekend leaves no gap).
- `snapshots_backfill(start, end)` fills a range, a batch of days per statement; the loop is over
  dates, each a handful of SQL aggregates, never over documents.
- Readers: `snapshot_on(day)`, `snapshot_series(start, end)` (charts), `snapshot_kpis(day)` (the
  stored KPIs as a `KPIs` value, computed when that day has no snapshot).

A snapshot is a copy taken at `computed_at`: a document dated in the past but recorded later
(a payment keyed in with last week's date) changes `kpis()` for those dates, not their snapshots,
until they are taken again (`manage.py kpi_backfill`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from datetime import date, timedelta

from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from reporting.errors import ReportingErrorCode
from reporting.kpis import KPIs, kpis
from reporting.models import KpiSnapshot

DEFAULT_DAYS = 90
CATCH_UP_DAYS = 7  # the nightly run also fills missing days this far back
BATCH_DAYS = 31  # backfill: days upserted per statement
MAX_BACKFILL_DAYS = 366 * 10

# The KPI fields a snapshot stores: every field of KPIs except its date, which is `date` here.
FIGURES = tuple(field.name for field in fields(KPIs) if field.name != "as_of")


def _snapshot_of(figures: KPIs, computed_at) -> KpiSnapshot:
    values = figures.as_dict()
    return KpiSnapshot(
        date=values.pop("as_of"), computed_at=computed_at, **{name: values[name] for name in FIGURES}
    )


def _upsert(snapshots: list[KpiSnapshot]) -> list[KpiSnapshot]:
    return KpiSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=[*FIGURES, "computed_at"],
    )


def snapshot_take(*, as_of: date, days: int = DEFAULT_DAYS) -> KpiSnapshot:
    """Compute the KPIs of `as_of` and store them as that date's snapshot (insert or overwrite)."""
    [snapshot] = _upsert([_snapshot_of(kpis(as_of=as_of, days=days), timezone.now())])
    return snapshot


def _dates(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def snapshots_nightly(*, today: date, days: int = DEFAULT_DAYS) -> list[date]:
    """Yesterday's snapshot (retaken if it exists) and any missing one of the CATCH_UP_DAYS days
    before it; returns the dates taken, oldest first."""
    yesterday = today - timedelta(days=1)
    first = yesterday - timedelta(days=CATCH_UP_DAYS)
    stored = set(
        KpiSnapshot.objects.filter(date__range=(first, yesterday - timedelta(days=1))).values_list(
            "date", flat=True
        )
    )
    taken = [day for day in _dates(first, yesterday - timedelta(days=1)) if day not in stored] + [yesterday]
    for day in taken:
        snapshot_take(as_of=day, days=days)
    return taken


def snapshots_backfill(
    *,
    start: date,
    end: date,
    days: int = DEFAULT_DAYS,
    missing_only: bool = False,
    progress: Callable[[int, int, date], None] | None = None,
) -> tuple[int, int]:
    """Take the snapshot of every date from `start` to `end` (both included; not after today).
    With `missing_only`, dates that have one are left alone. `progress(done, total, day)` is
    called after each date. Returns (rows created, rows overwritten)."""
    if start > end:
        raise DomainError(
            "the first date is after the last one", field="start", code=KernelErrorCode.PERIOD_REVERSED
        )
    if end > timezone.localdate():
        raise DomainError(
            "the last date is in the future: a snapshot is of a day that has begun",
            field="end",
            code=ReportingErrorCode.REPORT_DATE_IN_FUTURE,
        )
    total = (end - start).days + 1
    if total > MAX_BACKFILL_DAYS:
        raise DomainError(
            f"at most {MAX_BACKFILL_DAYS} days at a time",
            field="start",
            code=ReportingErrorCode.PERIOD_TOO_LONG,
        )
    existing = set(KpiSnapshot.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    wanted = [day for day in _dates(start, end) if not (missing_only and day in existing)]
    batch: list[KpiSnapshot] = []
    for done, day in enumerate(wanted, start=1):
        batch.append(_snapshot_of(kpis(as_of=day, days=days), timezone.now()))
        if len(batch) == BATCH_DAYS or done == len(wanted):
            _upsert(batch)
            batch = []
        if progress is not None:
            progress(done, len(wanted), day)
    overwritten = sum(1 for day in wanted if day in existing)
    return len(wanted) - overwritten, overwritten


def snapshot_on(day: date) -> KpiSnapshot | None:
    return KpiSnapshot.objects.filter(date=day).first()


def snapshot_series(*, start: date, end: date) -> list[KpiSnapshot]:
    """The snapshots from `start` to `end`, oldest first (days without one are missing)."""
    return list(KpiSnapshot.objects.filter(date__range=(start, end)).order_by("date"))


def kpis_of_snapshot(snapshot: KpiSnapshot) -> KPIs:
    return KPIs(as_of=snapshot.date, **{name: getattr(snapshot, name) for name in FIGURES})


def snapshot_kpis(*, as_of: date, days: int = DEFAULT_DAYS) -> KPIs:
    """The KPIs of `as_of` as stored that night, or computed now when there is no snapshot of it
    (or it was taken over another window)."""
    snapshot = snapshot_on(as_of)
    if snapshot is not None and snapshot.days == days:
        return kpis_of_snapshot(snapshot)
    return kpis(as_of=as_of, days=days)
