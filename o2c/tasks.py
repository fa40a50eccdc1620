"""Kernel tasks: the outbox relay and the idempotency purge. Tasks take ids, are idempotent and
call services (DESIGN.md §3)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c import idempotency, outbox
from o2c.celery import app


@app.task(autoretry_for=(OperationalError, InterfaceError, ConnectionError), ignore_result=True)
def outbox_relay() -> int:
    return outbox.outbox_relay()


@app.task(ignore_result=True)
def idempotency_purge() -> int:
    return idempotency.idempotency_purge()
