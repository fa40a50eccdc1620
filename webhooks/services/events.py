"""The bus listener: every event becomes a delivery row per active endpoint that wants its type,
in the emitter's transaction (none after a rollback); sent after commit."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from o2c.events import DomainEvent
from o2c.transactions import memo_forget, transaction_memo
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.payloads import object_key, payload_data

logger = logging.getLogger(__name__)

RETRY_WINDOW = timedelta(hours=24)
_MEMO = "webhooks.active_endpoints"


def active_endpoints() -> list[tuple[int, list[str]]]:
    """The active endpoints and the types each wants, read once per transaction (an intake emits
    two or three events, a shipment and a payment more): what another transaction commits
    meanwhile is seen by the next transaction, as a statement running a moment earlier would
    not have seen it either. A change of an endpoint in this transaction forgets the memo
    (`endpoints_forget`, on the model's save and delete signals)."""
    return transaction_memo(
        _MEMO, lambda: list(WebhookEndpoint.objects.filter(active=True).values_list("pk", "events"))
    )


def endpoints_forget(**_: object) -> None:
    memo_forget(_MEMO)


class _WebhookEventRecorder:
    """The bus listener: `webhook_event_record(event)` for one event, `.many(events)` for a batch
    (`o2c.events.event_emit_many`: one query for the endpoints, one insert)."""

    def __call__(self, event: DomainEvent) -> None:
        self.many([event])

    def many(self, events: list[DomainEvent]) -> None:
        """No query when no endpoint wants the type (the active endpoints are read once per
        transaction, decision 0068): nothing rendered, nothing written."""
        endpoints = active_endpoints()
        deliveries, now = [], timezone.now()
        for event in events:
            endpoint_ids = [pk for pk, types in endpoints if "*" in types or event.type in types]
            if not endpoint_ids:
                continue
            body = json.dumps(
                {"type": event.type, "timestamp": _iso(event.at), "data": _data(event)},
                cls=DjangoJSONEncoder,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            event_id, key = f"msg_{uuid.uuid4().hex}", object_key(event.subject)
            deliveries += [
                WebhookDelivery(
                    endpoint_id=endpoint_id,
                    event_id=event_id,
                    event_type=event.type,
                    object_key=key,
                    body=body,
                    occurred_at=event.at,
                    next_attempt_at=now,
                    give_up_at=now + RETRY_WINDOW,
                )
                for endpoint_id in endpoint_ids
            ]
        if deliveries:
            WebhookDelivery.objects.bulk_create(deliveries)
            _send_on_commit()


webhook_event_record = _WebhookEventRecorder()


def _data(event: DomainEvent) -> object:
    """The subject as the API shows it. A renderer that fails must not fail the business change
    that told the event (its savepoint is rolled back): the receiver gets the id and can read it."""
    try:
        with transaction.atomic():
            return payload_data(event.subject)
    except Exception:
        logger.exception("webhooks: %s of %r could not be rendered", event.type, event.subject)
        return {"id": event.subject.pk}


def _send_on_commit() -> None:
    """Once per transaction, however many events it told."""
    connection = transaction.get_connection()
    if not any(callback is send_soon for _, callback, _ in connection.run_on_commit):
        transaction.on_commit(send_soon)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def send_soon() -> None:
    """Ask a worker to send what is due. Runs after the commit: a broker that is away (or, with
    eager tasks, a failing send) must not turn the committed change into an error; the beat task
    sends what is due a minute later."""
    from webhooks.tasks import webhook_deliveries_send

    try:
        webhook_deliveries_send.delay()
    except Exception:
        logger.exception("webhooks: the send task could not be queued; the beat task will send")


@transaction.atomic
def webhook_delivery_resend(*, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, now, with the same `webhook-id` (the receiver may have it already):
    pending again with a new 24-hour window; its attempts so far are kept."""
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    now = timezone.now()
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at, delivery.give_up_at = now, now + RETRY_WINDOW
    delivery.save(update_fields=["status", "next_attempt_at", "give_up_at"])
    _send_on_commit()
    return delivery
