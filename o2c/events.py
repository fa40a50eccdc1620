"""Domain events: what happened in the business, told to whoever listens, in the same transaction.

A service that changes something an outsider cares about says so, once, where the change is made:

    event_emit("order.submitted", order)

inside the transaction of the change. Listeners are registered by the apps that act on events
(webhooks write an outbox row per subscribed endpoint; customer notifications queue an e-mail),
in their `AppConfig.ready()`:

    event_listen("shipment.shipped", shipping_notice_queue)
    event_listen("*", webhook_events_record)

A listener runs synchronously in the emitter's transaction, so whatever it writes commits or
rolls back with the change (none after a rollback); it must only write rows (an outbox message,
an event row), never call out. The catalogue is `EVENT_TYPES` (API.md, "Webhooks"); emitting a
type not in it is a programming error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "order.created",
    "order.submitted",
    "order.on_hold",
    "order.released",
    "order.cancelled",
    "order.closed",
    "shipment.shipped",
    "shipment.delivered",
    "shipment.late",
    "invoice.issued",
    "invoice.paid",
    "invoice.overdue",
    "credit_note.issued",
    "payment.recorded",
    "payment.reversed",
    "dispute.opened",
    "dispute.resolved",
    "dunning.notice_sent",
    "quotation.sent",
    "quotation.accepted",
    "return.received",
    "promise.broken",
)


@dataclass(frozen=True)
class DomainEvent:
    """`type` from EVENT_TYPES; `subject` the object it is about (the order, the shipment…);
    `at` when it happened; `detail` anything a listener may need beyond the subject."""

    type: str
    subject: models.Model
    at: datetime
    detail: dict[str, object] = field(default_factory=dict)


Listener = Callable[[DomainEvent], object]
_listeners: dict[str, list[Listener]] = {}


def event_listen(event_type: str, listener: Listener) -> None:
    """Call `listener` for every event of `event_type` (`"*"`: every event). Registering the same
    listener twice (a second `ready()`) has no effect."""
    if event_type != "*" and event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type '{event_type}'")
    registered = _listeners.setdefault(event_type, [])
    if listener not in registered:
        registered.append(listener)


def event_emit_many(event_type: str, subjects: list[Any], **detail: object) -> list[DomainEvent]:
    """`event_emit` for each of `subjects`, at once: a listener with a `many` method (the
    webhooks' one query for the endpoints) takes them in one call; others take them one by one."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type '{event_type}'")
    at = timezone.now()
    events = [DomainEvent(type=event_type, subject=subject, at=at, detail=detail) for subject in subjects]
    if not events:
        return events
    for listener in (*_listeners.get(event_type, ()), *_listeners.get("*", ())):
        many = getattr(listener, "many", None)
        if many is not None:
            many(events)
        else:
            for event in events:
                listener(event)
    return events


def event_emit(event_type: str, subject: models.Model, **detail: object) -> DomainEvent:
    """Tell the listeners, in the caller's transaction, that `event_type` happened to `subject`."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type '{event_type}'")
    event = DomainEvent(type=event_type, subject=subject, at=timezone.now(), detail=detail)
    for listener in (*_listeners.get(event_type, ()), *_listeners.get("*", ())):
        listener(event)
    return event
