"""The transactional outbox: every side effect outside the database is first a row here.

`outbox_enqueue` writes the message in the caller's transaction and, on commit, asks the relay
to deliver it. `outbox_relay` delivers due messages (locked with SKIP LOCKED, so several workers
share the work), retrying failures with exponential backoff until `MAX_ATTEMPTS`.
Handlers are registered per kind by the app that owns the effect (`@outbox_handler("email")`).

E-mails go out at most once (docs/decisions/0028). A handler that e-mails returns an
`EmailToSend` instead of sending it; the relay then
1. commits the message as `sending`, with its Message-ID (made once, stored, reused by a retry),
2. sends it, outside any transaction,
3. commits it `delivered`, together with the handler's `sent` callback (`emailed_at`).
A send that raises was not accepted: the message goes back to `pending`, with backoff. A message
still `sending` after `sending_timeout()` belongs to a worker that died between 1 and 3: the mail
server may or may not have accepted it, so it is NOT sent again but marked `uncertain` (shown as
failed, naming its Message-ID, for someone to check the mail log and resend by hand). A customer
never gets an invoice twice; the price is, after a crash, at most one e-mail per dead worker to
check by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import connection, transaction
from django.utils import timezone

from o2c import locks
from o2c.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # about 16 hours of retries before a message is marked failed
BATCH_SIZE = 50


@dataclass
class EmailToSend:
    """What an e-mailing handler returns: the e-mail, and what to record once the mail server
    accepted it (called with the time, in the transaction that marks the message delivered)."""

    email: EmailMessage
    sent: Callable[[datetime], object] | None = None


Handler = Callable[[OutboxMessage], EmailToSend | None]
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


def outbox_enqueue_returning(
    *, kind: str, insert_sql: str, params: list[Any], payload_key: str
) -> int | None:
    """`insert_sql` (an `INSERT … RETURNING id` that may insert nothing, `ON CONFLICT DO NOTHING`)
    and, for the row it inserted, the message `{payload_key: id}` of `kind`, in one statement;
    returns the id, or None when nothing was inserted (and no message written)."""
    if kind not in _handlers:
        raise ValueError(f"no outbox handler for '{kind}'")
    now = timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH made AS ({insert_sql}) "  # noqa: S608 (a table name and the caller's SQL, not input)
            f"INSERT INTO {quote(OutboxMessage._meta.db_table)} "
            "(kind, payload, status, attempts, next_attempt_at, last_error, created_at, message_id) "
            "SELECT %s, jsonb_build_object(%s, made.id), %s, 0, %s, '', %s, '' FROM made RETURNING (payload->>%s)::bigint",
            [*params, kind, payload_key, OutboxMessage.Status.PENDING, now, now, payload_key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    transaction.on_commit(_relay_soon)
    return int(row[0])


def outbox_enqueue_many(*, kind: str, payloads: list[dict[str, Any]]) -> list[OutboxMessage]:
    """`outbox_enqueue` of each payload, in one insert (a batch job's messages)."""
    if kind not in _handlers:
        raise ValueError(f"no outbox handler for '{kind}'")
    if not payloads:
        return []
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(kind=kind, payload=payload, next_attempt_at=now) for payload in payloads
    )
    transaction.on_commit(_relay_soon)
    return messages


def _relay_soon() -> None:
    from o2c.tasks import outbox_relay

    outbox_relay.delay()


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def sending_timeout() -> timedelta:
    """How long a send may take before its worker is presumed dead: well past EMAIL_TIMEOUT."""
    return timedelta(seconds=settings.O2C_OUTBOX_SENDING_TIMEOUT)


def outbox_relay(*, limit: int = BATCH_SIZE) -> int:
    """Deliver due messages, one transaction each (an e-mail: one to mark it sending, one to
    confirm it); returns how many were delivered."""
    outbox_stale_sending_settle()
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
            outcome = _deliver(message)
        if isinstance(outcome, EmailToSend):
            delivered += _send(message, outcome)
        else:
            delivered += outcome
    return delivered


def outbox_stale_sending_settle() -> int:
    """Messages left `sending` by a worker that died mid-send become `uncertain`: never resent."""
    cutoff = timezone.now() - sending_timeout()
    settled = 0
    stale = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING, sending_at__lte=cutoff)
    for pk, message_id in stale.values_list("pk", "message_id"):
        settled += OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.Status.SENDING).update(
            status=OutboxMessage.Status.UNCERTAIN,
            last_error=(
                "the worker stopped while sending: the mail server may have accepted the e-mail, so it "
                f"is not sent again; look for Message-ID {message_id} in the mail log and resend by "
                "hand if it is not there"
            ),
        )
    if settled:
        logger.warning("outbox: %s message(s) left sending by a dead worker marked uncertain", settled)
    return settled


def _deliver(message: OutboxMessage) -> int | EmailToSend:
    """Run the handler; an e-mail it returns is marked sending here (committed by the caller)."""
    message.attempts += 1
    try:
        with transaction.atomic():
            outcome = _handlers[message.kind](message)
    except Exception as error:  # a handler's failure is recorded, never lost
        _failed(message, error)
        return 0
    if isinstance(outcome, EmailToSend):
        message.message_id = message.message_id or make_msgid(idstring=f"o2c-outbox-{message.pk}")
        message.status = OutboxMessage.Status.SENDING
        message.sending_at = timezone.now()
        message.save(update_fields=["attempts", "message_id", "status", "sending_at"])
        return outcome
    message.status = OutboxMessage.Status.DELIVERED
    message.delivered_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "delivered_at", "last_error"])
    return 1


def _send(message: OutboxMessage, outgoing: EmailToSend) -> int:
    """Send a message committed as sending, then confirm it; a refused send goes back to pending."""
    outgoing.email.extra_headers["Message-ID"] = message.message_id
    outgoing.email.extra_headers.setdefault("X-O2C-Outbox-Id", str(message.pk))
    try:
        outgoing.email.send()
    except Exception as error:  # raised before the server accepted it: nothing went out
        with transaction.atomic():
            message.status = OutboxMessage.Status.PENDING
            message.sending_at = None
            _failed(message, error, extra_fields=["sending_at"])
        return 0
    with transaction.atomic():
        sent_at = timezone.now()
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.DELIVERED, delivered_at=sent_at, last_error=""
        )
        if outgoing.sent is not None:
            outgoing.sent(sent_at)
    return 1


def _failed(message: OutboxMessage, error: Exception, *, extra_fields: list[str] | None = None) -> None:
    logger.warning("outbox message %s (%s) failed: %s", message.pk, message.kind, error)
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxMessage.Status.FAILED
    else:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", *(extra_fields or [])])


@outbox_handler("email")
def _send_email(message: OutboxMessage) -> EmailToSend:
    """payload: to (list), subject, body."""
    payload = message.payload
    return EmailToSend(EmailMessage(subject=payload["subject"], body=payload["body"], to=payload["to"]))


# --- What pages and the API show of a document's e-mail ------------------------------------------


def outbox_latest_messages(*, kind: str, key: str, ids: list[int]) -> dict[int, OutboxMessage]:
    """The latest message of `kind` per document id (`payload[key]`), in one query for a whole
    page; a resend queues a newer one."""
    latest: dict[int, OutboxMessage] = {}
    messages = OutboxMessage.objects.filter(kind=kind, **{f"payload__{key}__in": ids}).order_by(
        "created_at", "pk"
    )
    for message in messages:
        latest[message.payload[key]] = message
    return latest


def outbox_delivery_state(message: OutboxMessage | None, *, emailed_at: datetime | None) -> str:
    """The one mapping of a document's latest delivery message to what is shown of it: `sent`,
    `pending` (queued, or on its way this very moment), `retrying` (failed at least once, tried
    again later) or `failed` (gave up)."""
    if message is None:  # never queued (a document older than its delivery)
        return "sent" if emailed_at else "pending"
    if message.status == OutboxMessage.Status.DELIVERED:
        return "sent"
    if message.status in (OutboxMessage.Status.FAILED, OutboxMessage.Status.UNCERTAIN):
        return "failed"  # uncertain: maybe sent, never resent blindly; last_error says what to check
    if message.status == OutboxMessage.Status.SENDING:
        return "pending"
    return "retrying" if message.attempts else "pending"
