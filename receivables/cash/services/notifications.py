"""Inbound payment notifications of a provider: each event recorded once by its id, then linked to
the payment it became."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from o2c.errors import DomainError
from receivables.cash.errors import CashErrorCode
from receivables.cash.models import Payment, PaymentNotification

if TYPE_CHECKING:
    pass


def notification_claim(*, event_id: str, payload: dict[str, Any]) -> tuple[PaymentNotification, bool]:
    """Record a provider event once by its id. A concurrent twin waits on the unique index and
    then finds the first one: (the notification, True when this call recorded it)."""
    if not event_id or len(event_id) > 200:
        raise DomainError(
            "the event id is missing or longer than 200 characters",
            field="id",
            code=CashErrorCode.INVALID_EVENT_ID,
        )
    try:
        with transaction.atomic():
            return PaymentNotification.objects.create(event_id=event_id, payload=payload), True
    except IntegrityError:
        return PaymentNotification.objects.select_related("payment").get(event_id=event_id), False


def notification_link(*, notification: PaymentNotification, payment: Payment) -> None:
    notification.payment = payment
    notification.save(update_fields=["payment"])
