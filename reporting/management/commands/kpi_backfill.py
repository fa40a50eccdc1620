"""`manage.py kpi_backfill --from 2026-01-01 --to 2026-11-23`: the KPI snapshot of every date of a
range (default: the last 90 days up to yesterday). Safe to run again: each date is an upsert;
`--missing-only` skips the dates that have a snapshot."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from o2c.errors import DomainError
from reporting.snapshots import DEFAULT_DAYS, snapshots_backfill


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"'{value}' is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = "Store the KPI snapshot of every date in a range (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", type=str, help="first date, YYYY-MM-DD (default: 90 days ago)"
        )
        parser.add_argument("--to", dest="end", type=str, help="last date, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="KPI window in days (default 90)")
        parser.add_argument("--missing-only", action="store_true", help="skip dates that have a snapshot")

    def handle(self, *args, start=None, end=None, days=DEFAULT_DAYS, missing_only=False, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        last = _date(end) if end else yesterday
        first = _date(start) if start else last - timedelta(days=89)
        if days < 1:
            raise CommandError("--days must be at least 1")
        began = time.monotonic()
        step = max(1, ((last - first).days + 1) // 20)

        def progress(done: int, total: int, day: date) -> None:
            if done % step == 0 or done == total:
                elapsed = time.monotonic() - began
                self.stdout.write(f"  {done:>5}/{total} {day.isoformat()}  {elapsed:7.1f} s")

        self.stdout.write(f"KPI snapshots {first.isoformat()} – {last.isoformat()} ({days}-day window)")
        try:
            created, overwritten = snapshots_backfill(
                start=first, end=last, days=days, missing_only=missing_only, progress=progress
            )
        except DomainError as error:
            option = {"start": "--from", "end": "--to"}.get(error.field or "", error.field)
            raise CommandError(f"{option}: {error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} created, {overwritten} retaken in {time.monotonic() - began:.1f} s"
            )
        )
