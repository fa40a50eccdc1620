"""Webhook tasks: send what is due (after each commit that wrote deliveries, and every minute as
the safety net). A backlog is shared by every worker: a task that finds more than a batch due
queues the next batch before it sends its own, so another worker process takes it meanwhile
(each running task queues at most one: the queue stays short however long the backlog)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from webhooks import services
from webhooks.services.sending import BATCH_SIZE


@app.task(autoretry_for=(OperationalError, InterfaceError, ConnectionError), ignore_result=True)
def webhook_deliveries_send() -> int:
    if services.webhook_deliveries_due_beyond(count=BATCH_SIZE):  # the next batch, in parallel
        webhook_deliveries_send.delay()
    return services.webhook_deliveries_send(limit=BATCH_SIZE)
