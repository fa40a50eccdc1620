"""Dunning tasks: the daily run (Celery beat, "dunning-daily") and a run finance started from the
dunning page, whose progress the page polls. Both take ids or nothing, and are safe to run twice:
a finished run is left alone and a customer gets one notice a day (receivables/dunning/services.py)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils import timezone

from o2c.celery import app
from receivables.dunning import services


# The registered names are the modules' old paths: the beat schedule and queued messages use them.
@app.task(
    name="receivables.dunning_tasks.dunning_daily",
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
)
def dunning_daily() -> int:
    """Every morning: today's notices; returns how many were sent."""
    run = services.dunning_run(as_of=timezone.localdate(), by=None)
    return run.notices_sent


@app.task(name="receivables.dunning_tasks.dunning_run_execute", ignore_result=True)
def dunning_run_execute(run_id: int) -> int:
    """The run a user started (services.dunning_run_start); returns how many notices it sent."""
    return services.dunning_run_execute(run_id=run_id).notices_sent
