"""Webhook tasks: send what is due (after each commit that wrote deliveries, and every minute as
the safety net)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from webhooks import services
from webhooks.services.sending import BATCH_SIZE


@app.task(autoretry_for=(OperationalError, InterfaceError, ConnectionError), ignore_result=True)
def webhook_deliveries_send() -> int:
    attempted = services.webhook_deliveries_send(limit=BATCH_SIZE)
    if attempted >= BATCH_SIZE:  # more may be due: the next batch in a task of its own
        webhook_deliveries_send.delay()
    return attempted
