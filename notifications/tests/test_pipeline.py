"""End to end through the pipeline, with the services emitting the domain events themselves
(no event emitted by hand): order submitted → confirmation; released → confirmation; shipped →
notice; late flag → late notices; each once; an opted-out customer gets none; a German customer
German text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import notification_settings_update
from notifications.tests.builders import a_held_order, a_shipped_shipment, an_approved_order, relayed
from o2c import pipeline

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(Notification.objects.order_by("pk").values_list("kind", flat=True))


def test_the_whole_way_once_each(make_user):
    owner = make_user("sales", "sally")
    owner.email = "sally@o2c.example"
    owner.save()
    order = an_approved_order(by=owner)
    assert kinds() == [Kind.ORDER_CONFIRMATION]

    shipment = a_shipped_shipment(order=order, days=1)
    assert kinds() == [Kind.ORDER_CONFIRMATION, Kind.SHIPPING_NOTICE]

    tomorrow_but_one = timezone.localdate() + timedelta(days=2)
    pipeline.late_flags_refresh(today=tomorrow_but_one)
    pipeline.late_flags_refresh(today=tomorrow_but_one)  # the next hourly run: already flagged
    assert kinds() == [
        Kind.ORDER_CONFIRMATION,
        Kind.SHIPPING_NOTICE,
        Kind.LATE_NOTICE,
        Kind.LATE_NOTICE_INTERNAL,
    ]
    assert Notification.objects.get(kind=Kind.LATE_NOTICE_INTERNAL).recipient == "sally@o2c.example"

    relayed()
    customer_mail = [email.subject for email in mail.outbox if email.to == [order.customer.email]]
    assert sorted(customer_mail) == sorted(
        [
            f"Order confirmation {order.number}",
            f"Your order {order.number} is on its way",
            f"Your delivery {shipment.number} is delayed",
            f"Invoice {order.invoices.get().number} from O2C Demo Trading GmbH",
        ]
    )
    assert [email.to for email in mail.outbox if email.subject.startswith("Late shipment")] == [
        ["sally@o2c.example"]
    ]


def test_a_hold_then_a_release():
    notification_settings_update(order_review_enabled=True, by=None)
    order = a_held_order(language="de")
    assert kinds() == [Kind.ORDER_REVIEW]
    pipeline.hold_release(order_id=order.pk, note="prepaid", by=None)
    assert kinds() == [Kind.ORDER_REVIEW, Kind.ORDER_CONFIRMATION]
    subjects = [email.subject for email in relayed()]
    assert subjects == [f"Wir prüfen Ihre Bestellung {order.number}", f"Auftragsbestätigung {order.number}"]


def test_no_review_note_without_the_setting():
    order = a_held_order()
    assert kinds() == []
    pipeline.hold_reject(order_id=order.pk, note="no", by=None)
    assert kinds() == []


def test_an_opted_out_customer_gets_nothing_but_the_invoice():
    shipment = a_shipped_shipment(
        days=-1,
        notify_order_confirmation=False,
        notify_shipping_notice=False,
        notify_late_notice=False,
    )
    pipeline.late_flags_refresh(today=timezone.localdate())
    assert kinds() == []
    assert [email.subject.split()[0] for email in relayed()] == ["Invoice"]
    assert shipment.order.invoices.exists()


def test_a_german_customer_reads_german():
    a_shipped_shipment(language="de")
    subjects = [email.subject for email in relayed() if not email.subject.startswith("Invoice")]
    assert [subject.split()[0] for subject in subjects] == ["Auftragsbestätigung", "Ihre"]
