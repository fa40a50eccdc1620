"""Sending deliveries: signed per the Standard Webhooks specification, POSTed without following
redirects, a 2xx is success, anything else is tried again with exponential backoff until the
delivery's 24 hours are over, then it is failed. The events of one object reach an endpoint in
the order they happened: a delivery waits while an earlier one of its object is pending."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from standardwebhooks import Webhook

from o2c import locks
from o2c.errors import DomainError
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services.endpoints import webhook_url_check

BATCH_SIZE = 50
EXCERPT_BYTES = 1000
DRAIN_BYTES = 64 * 1024  # read past the excerpt to keep the connection; a longer answer closes it
USER_AGENT = "o2c-webhooks/1"


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 5 s, 15 s, 45 s, 2¼ min … ×3 each time, capped at 6 hours."""
    return timedelta(seconds=min(5 * 3 ** (attempts - 1), 6 * 3600))


def deliveries_due(now: datetime) -> QuerySet[WebhookDelivery]:
    """Pending deliveries of active endpoints due by `now` with no earlier pending delivery of the
    same object to the same endpoint, oldest due first."""
    earlier = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        endpoint_id=OuterRef("endpoint_id"),
        object_key=OuterRef("object_key"),
        pk__lt=OuterRef("pk"),
    )
    return (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True
        )
        .exclude(Exists(earlier))
        .select_related("endpoint")
        .order_by("next_attempt_at", "pk")
    )


def webhook_deliveries_due_beyond(*, count: int) -> bool:
    """Whether more than `count` deliveries are due now (a backlog for more than one sender)."""
    return deliveries_due(timezone.now()).values("pk")[count : count + 1].exists()


def webhook_deliveries_send(*, limit: int = BATCH_SIZE) -> int:
    """Send up to `limit` due deliveries, one transaction each, the row locked (SKIP LOCKED: workers
    share the work, never wait for each other); returns how many were attempted."""
    attempted = 0
    for _ in range(limit):
        with transaction.atomic():
            _commit_without_flush()
            delivery = locks.webhook_delivery_next(queryset=deliveries_due(timezone.now()))
            if delivery is None:
                break
            webhook_delivery_attempt(delivery=delivery)
        attempted += 1
    return attempted


def _commit_without_flush() -> None:
    """This transaction's commit does not wait for the WAL to reach the disk (a flush per
    delivery, for a record of an HTTP call). A database crash can forget the last fraction of a second
    of attempts: those deliveries are sent again, with the same webhook-id, as any retry is
    (Standard Webhooks is at-least-once; receivers deduplicate by the id). Nothing else is
    written in these transactions."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def signed_headers(*, secret: str, event_id: str, at: datetime, body: str) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def webhook_delivery_attempt(*, delivery: WebhookDelivery) -> WebhookAttempt:
    """POST a (locked) delivery once and record the attempt; the delivery is delivered, due again
    later, or failed when its time is up."""
    endpoint, at = delivery.endpoint, timezone.now()
    started = time.monotonic()
    status_code: int | None = None
    excerpt = error = ""
    try:
        webhook_url_check(endpoint.url)  # again: the name may point elsewhere by now
        status_code, excerpt = _post(
            endpoint.url, signed_headers(secret=endpoint.secret, event_id=delivery.event_id, at=at, body=delivery.body),
            delivery.body,
        )  # fmt: skip
    except DomainError as refused:
        error = f"not sent: {refused.message}"
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"[:2000]
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=at,
        status_code=status_code,
        duration_ms=int((time.monotonic() - started) * 1000),
        response_excerpt=_text(excerpt),
        error=_text(error),
    )
    delivery.attempts += 1
    now = timezone.now()
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = (
            WebhookDelivery.Status.DELIVERED,
            now,
            "",
        )
    else:
        delivery.last_error = error or f"answered {status_code}"
        if now >= delivery.give_up_at:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = min(now + retry_delay(delivery.attempts), delivery.give_up_at)
    delivery.save(update_fields=["attempts", "status", "delivered_at", "last_error", "next_attempt_at"])
    return attempt


_sessions = threading.local()


def _session() -> requests.Session:
    """One HTTP session per worker process and thread, kept across deliveries: its connection
    pool keeps the connection to a receiver open (keep-alive), where a session per delivery paid a
    TCP (and TLS) handshake for every event. A forked child builds its own."""
    held = getattr(_sessions, "held", None)
    if held is None or held[0] != os.getpid():
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc from the environment
        held = _sessions.held = (os.getpid(), session)
    return held[1]


def _post(url: str, headers: dict[str, str], body: str) -> tuple[int, str]:
    """The status code and the start of the answer. No redirects followed, no proxy from the
    environment, a timeout of `O2C_WEBHOOK_TIMEOUT` seconds (to connect, and between bytes)."""
    response = _session().post(
        url,
        data=body.encode("utf-8"),
        headers=headers,
        timeout=settings.O2C_WEBHOOK_TIMEOUT,
        allow_redirects=False,
        stream=True,
    )
    reusable = False
    try:
        head = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
        reusable = _drained(response.raw)
    finally:
        if reusable:
            response.raw.release_conn()  # read to its end: back to the pool for the next delivery
        else:
            response.close()  # unread bytes left: the connection is dropped
    return response.status_code, head.decode("utf-8", errors="replace")


def _drained(raw: Any) -> bool:
    """Whether the rest of an answer (up to DRAIN_BYTES more) could be read to its end."""
    return any(not raw.read(8192, decode_content=True) for _ in range(DRAIN_BYTES // 8192))


def _text(value: str) -> str:
    """What a receiver answered, storable: PostgreSQL text holds no NUL."""
    return value.replace("\x00", "\ufffd")
