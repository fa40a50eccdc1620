"""Queueing on the domain events: each kind once per document, to the right recipient and in the
customer's language, only when the customer did not opt out, and nothing after a rollback.

The events are emitted here by hand, with real orders and shipments (the services emit them
too once the emit calls are merged: the second emit of a test then shows "once")."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import notification_settings_update
from notifications.tests.builders import a_held_order, a_shipped_shipment, an_approved_order, notifications
from o2c import pipeline
from o2c.events import event_emit
from o2c.models import OutboxMessage
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


def outbox_messages(notification: Notification) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(kind="customer_notification", payload__notification_id=notification.pk)
    )


def test_an_order_approved_at_once_queues_one_confirmation_to_the_billing_address():
    order = an_approved_order(email="orders@buyer.example")
    event_emit("order.submitted", order)
    event_emit("order.submitted", order)  # twice: still one

    [notification] = notifications(Kind.ORDER_CONFIRMATION)
    assert (notification.order_id, notification.shipment_id) == (order.pk, None)
    assert (notification.recipient, notification.language) == ("orders@buyer.example", "en")
    assert len(outbox_messages(notification)) == 1


def test_a_held_order_gets_no_confirmation_and_no_review_note_by_default():
    order = a_held_order()
    event_emit("order.submitted", order)
    event_emit("order.on_hold", order)
    assert Notification.objects.count() == 0


def test_the_review_note_goes_only_when_the_company_setting_asks_for_it():
    notification_settings_update(order_review_enabled=True, by=None)
    order = a_held_order(language="de")
    event_emit("order.on_hold", order)
    event_emit("order.on_hold", order)

    [note] = notifications(Kind.ORDER_REVIEW)
    assert (note.order_id, note.language) == (order.pk, "de")
    assert notifications(Kind.ORDER_CONFIRMATION) == []


def test_releasing_a_hold_queues_the_confirmation():
    order = a_held_order()
    order = pipeline.hold_release(order_id=order.pk, note="paid in advance", by=None)
    event_emit("order.released", order)
    [notification] = notifications(Kind.ORDER_CONFIRMATION)
    assert notification.order_id == order.pk


def test_shipping_queues_one_notice_per_shipment():
    shipment = a_shipped_shipment()
    event_emit("shipment.shipped", shipment)
    event_emit("shipment.shipped", shipment)
    [notice] = notifications(Kind.SHIPPING_NOTICE)
    assert (notice.shipment_id, notice.order_id) == (shipment.pk, shipment.order_id)
    assert notice.recipient == shipment.order.customer.email


def test_the_late_flag_tells_the_customer_and_the_sales_owner_once(make_user):
    owner = make_user("sales", "sally")
    owner.email, owner.first_name, owner.last_name = "sally@o2c.example", "Sally", "Seller"
    owner.save()
    order = an_approved_order(by=owner)
    shipment = a_shipped_shipment(order=order, days=-1)  # due yesterday

    pipeline.late_flags_refresh(today=timezone.localdate())
    shipment.refresh_from_db()
    assert shipment.late
    event_emit("shipment.late", shipment)
    event_emit("shipment.late", shipment)

    [to_customer] = notifications(Kind.LATE_NOTICE)
    [to_owner] = notifications(Kind.LATE_NOTICE_INTERNAL)
    assert to_customer.recipient == order.customer.email
    assert (to_owner.recipient, to_owner.language) == ("sally@o2c.example", "en")
    assert to_owner.shipment_id == to_customer.shipment_id == shipment.pk


def test_no_sales_owner_notice_when_the_system_entered_the_order():
    shipment = a_shipped_shipment(days=-1)
    event_emit("shipment.late", shipment)
    assert len(notifications(Kind.LATE_NOTICE)) == 1
    assert notifications(Kind.LATE_NOTICE_INTERNAL) == []


def test_a_customer_who_opted_out_gets_none_of_those_kinds(make_user):
    notification_settings_update(order_review_enabled=True, by=None)
    owner = make_user("sales", "sam")
    get_user_model().objects.filter(pk=owner.pk).update(email="sam@o2c.example")
    opted_out = {
        "notify_order_confirmation": False,
        "notify_order_review": False,
        "notify_shipping_notice": False,
        "notify_late_notice": False,
    }
    held = a_held_order(by=get_user_model().objects.get(pk=owner.pk), **opted_out)
    event_emit("order.on_hold", held)
    order = pipeline.hold_release(order_id=held.pk, note="paid in advance", by=None)
    event_emit("order.released", order)
    shipment = a_shipped_shipment(order=order, days=-1)
    event_emit("shipment.shipped", shipment)
    event_emit("shipment.late", shipment)

    # the sales owner still hears of the delay: the customer's opt-out is the customer's own
    assert [n.kind for n in Notification.objects.all()] == [Kind.LATE_NOTICE_INTERNAL]


def test_one_opt_out_leaves_the_other_kinds():
    shipment = a_shipped_shipment(notify_order_confirmation=False)
    event_emit("order.submitted", shipment.order)
    event_emit("shipment.shipped", shipment)
    assert [n.kind for n in Notification.objects.all()] == [Kind.SHIPPING_NOTICE]


def test_a_rollback_queues_nothing():
    customer = a_customer(credit_limit=None)
    widget = a_product()
    stock(widget, "5")
    with pytest.raises(RuntimeError), transaction.atomic():
        order = an_order(customer, line(widget, "1"), submit=True)
        event_emit("order.submitted", order)
        assert Notification.objects.count() == 1
        raise RuntimeError("the change fails after the event")
    assert Notification.objects.count() == 0
    assert not OutboxMessage.objects.filter(kind="customer_notification").exists()


def test_nothing_is_queued_when_the_company_sends_no_notifications(settings):
    settings.O2C_CUSTOMER_NOTIFICATIONS = False
    shipment = a_shipped_shipment()
    event_emit("shipment.shipped", shipment)
    assert Notification.objects.count() == 0
