"""Writes of customer notifications: queueing an e-mail when an order or a shipment reaches a
point the customer hears about (listeners on the domain events, o2c/events.py), and the
company's edits of its templates, settings and carriers (docs/decisions/0046).

A listener runs in the emitter's transaction: it writes the `Notification` row and its outbox
message, which commit or roll back with the change. Each kind is queued at most once per
document (the order, or the shipment), by the table's unique constraints; a customer who opted
out of a kind gets no row at all. The e-mail is rendered and sent later by the outbox relay
(notifications/delivery.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.errors import NotificationErrorCode
from notifications.models import (
    CarrierTracking,
    Kind,
    Notification,
    NotificationSettings,
    NotificationTemplate,
)
from notifications.placeholders import template_errors, tracking_url_errors
from notifications.selectors import notification_settings_get
from o2c.errors import DomainError, KernelErrorCode
from o2c.events import DomainEvent, event_listen
from o2c.outbox import outbox_enqueue_returning

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fulfillment.models import Shipment
    from orders.models import SalesOrder

OUTBOX_KIND = "customer_notification"

# The customer's opt-out field per kind (customers.models.Customer); the internal notice has none.
OPT_OUT_FIELDS = {
    Kind.ORDER_CONFIRMATION: "notify_order_confirmation",
    Kind.ORDER_REVIEW: "notify_order_review",
    Kind.SHIPPING_NOTICE: "notify_shipping_notice",
    Kind.LATE_NOTICE: "notify_late_notice",
}


# --- Queueing, on the domain events ----------------------------------------------------------


def notification_queue(
    *, kind: str, order: SalesOrder, shipment: Shipment | None = None, recipient: str, language: str
) -> Notification | None:
    """The notification of `kind` about `order` (or `shipment`) and its outbox message, in the
    caller's transaction; None when that document already has one of this kind, or when the
    company sends no notifications (`O2C_CUSTOMER_NOTIFICATIONS` off)."""
    if not settings.O2C_CUSTOMER_NOTIFICATIONS:
        return None
    notification = Notification(
        kind=kind,
        order=order,
        shipment=shipment,
        recipient=recipient,
        language=language,
        created_at=timezone.now(),
    )
    # One statement: the row, unless the document has one of this kind already, a concurrent
    # twin's included (the constraints decide; no savepoint to recover from an IntegrityError),
    # and the outbox message of the row it inserted.
    made = outbox_enqueue_returning(
        kind=OUTBOX_KIND,
        insert_sql=_INSERT_ONCE,
        params=[
            kind,
            order.pk,
            shipment.pk if shipment else None,
            recipient,
            language,
            notification.created_at,
        ],
        payload_key="notification_id",
    )
    if made is None:
        return None
    notification.pk = made
    notification._state.adding = False
    return notification


_INSERT_ONCE = f"""
INSERT INTO {Notification._meta.db_table} (kind, order_id, shipment_id, recipient, language, created_at)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT DO NOTHING
RETURNING id
"""  # noqa: S608 (a table name, not input)


def _to_customer(kind: str, order: SalesOrder, shipment: Shipment | None = None) -> Notification | None:
    customer = order.customer
    if not getattr(customer, OPT_OUT_FIELDS[Kind(kind)]) or not customer.email:
        return None
    return notification_queue(
        kind=kind, order=order, shipment=shipment, recipient=customer.email, language=customer.language
    )


def sales_owner(order: SalesOrder) -> User | None:
    """Who sells to the customer of `order`: the user who entered the order (customers have no
    owner of their own yet); None when the system entered it."""
    return order.created_by


def order_confirmation_queue(event: DomainEvent) -> None:
    """`order.submitted` (approved at once, not held) and `order.released` (released from hold)."""
    order: SalesOrder = event.subject  # type: ignore[assignment]
    if order.status == "open":
        _to_customer(Kind.ORDER_CONFIRMATION, order)


def order_review_queue(event: DomainEvent) -> None:
    """`order.on_hold`: the neutral 'we are reviewing your order' note, if the company sends it."""
    order: SalesOrder = event.subject  # type: ignore[assignment]
    if notification_settings_get().order_review_enabled:
        _to_customer(Kind.ORDER_REVIEW, order)


def shipping_notice_queue(event: DomainEvent) -> None:
    """`shipment.shipped`: carrier, tracking link and estimated delivery."""
    shipment: Shipment = event.subject  # type: ignore[assignment]
    _to_customer(Kind.SHIPPING_NOTICE, shipment.order, shipment)


def late_notice_queue(event: DomainEvent) -> None:
    """`shipment.late` (the hourly late flag): to the customer and to the order's sales owner."""
    shipment: Shipment = event.subject  # type: ignore[assignment]
    order = shipment.order
    _to_customer(Kind.LATE_NOTICE, order, shipment)
    owner = sales_owner(order)
    if owner is not None and owner.email:
        notification_queue(
            kind=Kind.LATE_NOTICE_INTERNAL,
            order=order,
            shipment=shipment,
            recipient=owner.email,
            language=settings.LANGUAGE_CODE.split("-")[0],
        )


def listeners_register() -> None:
    """Called by the app's `ready()`; registering twice has no effect (o2c/events.py)."""
    event_listen("order.submitted", order_confirmation_queue)
    event_listen("order.released", order_confirmation_queue)
    event_listen("order.on_hold", order_review_queue)
    event_listen("shipment.shipped", shipping_notice_queue)
    event_listen("shipment.late", late_notice_queue)


# --- The company's edits ---------------------------------------------------------------------


@transaction.atomic
def notification_template_update(
    *, template_id: int, subject: str, body: str, by: User | None
) -> NotificationTemplate:
    """Change a template's subject and body; a bad placeholder is refused, naming the field."""
    template = NotificationTemplate.objects.get(pk=template_id)
    subject, body = subject.strip(), body.replace("\r\n", "\n")
    errors = template_errors(kind=template.kind, subject=subject, body=body)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field, code=NotificationErrorCode.BAD_PLACEHOLDER)
    template.subject, template.body, template.updated_by = subject, body, by
    template.save(update_fields=["subject", "body", "updated_by", "updated_at"])
    return template


@transaction.atomic
def notification_settings_update(*, order_review_enabled: bool, by: User | None) -> NotificationSettings:
    row, _ = NotificationSettings.objects.update_or_create(
        pk=1, defaults={"order_review_enabled": order_review_enabled, "updated_by": by}
    )
    return row


@transaction.atomic
def carrier_tracking_save(
    *, carrier: str, url_template: str, carrier_id: int | None = None
) -> CarrierTracking:
    """Add a carrier's tracking URL, or change one (`carrier_id`); names are unique, in any case."""
    carrier, url_template = carrier.strip(), url_template.strip()
    if not carrier:
        raise DomainError("this field may not be blank", field="carrier", code=KernelErrorCode.BLANK)
    error = tracking_url_errors(url_template=url_template)
    if error:
        raise DomainError(error, field="url_template", code=NotificationErrorCode.BAD_TRACKING_URL)
    twins = CarrierTracking.objects.filter(carrier__iexact=carrier)
    if carrier_id is not None:
        twins = twins.exclude(pk=carrier_id)
    if twins.exists():
        raise DomainError(f"{carrier} is listed already", field="carrier", code=KernelErrorCode.UNIQUE)
    row = CarrierTracking(pk=carrier_id, carrier=carrier, url_template=url_template)
    row.save()
    return row


@transaction.atomic
def carrier_tracking_delete(*, carrier_id: int) -> None:
    CarrierTracking.objects.filter(pk=carrier_id).delete()
