"""Reporting tasks (Celery beat, o2c/settings.py): the nightly KPI snapshot and the daily report.

Beat's crontabs are in CELERY_TIMEZONE (UTC); the dates are the company's (TIME_ZONE). Both
tasks take no arguments and are safe to run twice: a snapshot is an upsert of its date, and a
subscriber gets one scheduled report per date (reporting/subscriptions/services.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import InterfaceError, OperationalError
from django.utils import timezone

from o2c.celery import app
from reporting import snapshots
from reporting.subscriptions import services as subscriptions

_TRANSIENT = (OperationalError, InterfaceError, ConnectionError)


@app.task(ignore_result=True, autoretry_for=_TRANSIENT)
def kpi_snapshot_nightly() -> list[str]:
    """00:15: the snapshot of the day that just ended (and of any day of the week before it that
    has none); returns the dates taken."""
    return [day.isoformat() for day in snapshots.snapshots_nightly(today=timezone.localdate())]


@app.task(ignore_result=True, autoretry_for=_TRANSIENT)
def daily_report_send() -> int:
    """07:00: every subscriber gets the report of the last complete day (yesterday) once;
    returns how many reports were queued."""
    return subscriptions.daily_reports_send(as_of=timezone.localdate() - timedelta(days=1))
