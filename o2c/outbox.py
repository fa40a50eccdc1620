"""The transactional outbox: every side effect outside the database is first a row here.

`outbox_enqueue` writes the message in the caller's transaction and, on commit, asks the relay
to deliver it. `outbox_relay` delivers due messages (locked with SKIP LOCKED, so several workers
share the work), retrying failures with exponential backoff until `MAX_ATTEMPTS`.
Handlers are registered per kind by the app that owns the effect (`@outbox_handler("email")`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from o2c import locks
from o2c.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # about 16 hours of retries before a message is marked failed
BATCH_SIZE = 50

Handler = Callable[[OutboxMessage], None]
_handlers: dict[str, Handler] = {}


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def outbox_enqueue(*, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record a side effect in the current transaction; it is delivered after commit."""
    if kind not in _handlers:
        raise ValueError(f"no outbox handler for '{kind}'")
    message = OutboxMessage.objects.create(kind=kind, payload=payload, next_attempt_at=timezone.now())
    transaction.on_commit(_relay_soon)
    return message


def _relay_soon() -> None:
    from o2c.tasks import outbox_relay

    outbox_relay.delay()


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def outbox_relay(*, limit: int = BATCH_SIZE) -> int:
    """Deliver due messages, one transaction each; returns how many were delivered."""
    delivered = 0
    for _ in range(limit):
        with transaction.atomic():
            message = locks.outbox_message_next(
                queryset=OutboxMessage.objects.filter(
                    status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
                ).order_by("next_attempt_at", "pk")
            )
            if message is None:
                break
            delivered += _deliver(message)
    return delivered


def _deliver(message: OutboxMessage) -> int:
    message.attempts += 1
    try:
        with transaction.atomic():
            _handlers[message.kind](message)
    except Exception as error:  # a handler's failure is recorded, never lost
        logger.warning("outbox message %s (%s) failed: %s", message.pk, message.kind, error)
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
        else:
            message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return 0
    message.status = OutboxMessage.Status.DELIVERED
    message.delivered_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "delivered_at", "last_error"])
    return 1


@outbox_handler("email")
def _send_email(message: OutboxMessage) -> None:
    """payload: to (list), subject, body; the message id rides along as a header so that a
    mail server or a test can tell a redelivery from a new email."""
    payload = message.payload
    EmailMessage(
        subject=payload["subject"],
        body=payload["body"],
        to=payload["to"],
        headers={"X-O2C-Outbox-Id": str(message.pk)},
    ).send()
