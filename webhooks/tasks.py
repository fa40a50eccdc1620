"""Webhook tasks: send what is due (after each commit that wrote deliveries, and every minute as
the safety net). A backlog is shared by every worker: a task that finds more than a batch due
queues the next batch before it sends its own, so another worker process takes it meanwhile
(each task queues at most one successor, at its start or its end: the queue stays short
however long the backlog)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from webhooks import services
from webhooks.services.sending import BATCH_SIZE


@app.task(autoretry_for=(OperationalError, InterfaceError, ConnectionError), ignore_result=True)
def webhook_deliveries_send() -> int:
    helper = services.webhook_deliveries_due_beyond(count=BATCH_SIZE)
    if helper:  # the next batch, in parallel on another worker
        webhook_deliveries_send.delay()
    attempted = services.webhook_deliveries_send(limit=BATCH_SIZE)
    if not helper and attempted >= BATCH_SIZE:  # more may be due: the next batch after this one
        webhook_deliveries_send.delay()
    return attempted
