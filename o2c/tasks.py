"""Kernel tasks: the outbox relay, the idempotency purge and the number series of next year. Tasks take ids, are idempotent and
call services (DESIGN.md §3)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils import timezone

from o2c import idempotency, numbering, outbox
from o2c.celery import app


@app.task(autoretry_for=(OperationalError, InterfaceError, ConnectionError), ignore_result=True)
def outbox_relay() -> int:
    return outbox.outbox_relay()


@app.task(ignore_result=True)
def idempotency_purge() -> int:
    return idempotency.idempotency_purge()


@app.task(ignore_result=True)
def number_series_prepare() -> int:
    """The counter rows of this year's and next year's gapless series, ahead of their first
    document (safe to repeat)."""
    return numbering.number_series_prepare(today=timezone.localdate())
