"""Orders and shipments for the notification tests, built through the pipeline (tests/builders.py)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from o2c import pipeline
from o2c.outbox import outbox_relay
from tests.builders import a_customer, a_product, an_order, line, stock


def an_approved_order(*, customer=None, by=None, **customer_fields):
    customer = customer or a_customer(credit_limit=None, **customer_fields)
    widget = a_product(name="Widget", price="100.00")
    stock(widget, "10")
    return an_order(customer, line(widget, "2"), submit=True, by=by)


def a_held_order(*, by=None, **customer_fields):
    customer = a_customer(credit_limit="0.00", **customer_fields)
    widget = a_product(name="Widget", price="100.00")
    stock(widget, "10")
    order = an_order(customer, line(widget, "2"), submit=True, by=by)
    assert order.status == "on_hold"
    return order


def a_shipped_shipment(*, order=None, carrier="DHL", tracking_number="JJD 0001/7", days=3, **customer_fields):
    order = order or an_approved_order(**customer_fields)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    return pipeline.shipment_ship(
        shipment_id=shipment.pk,
        carrier=carrier,
        tracking_number=tracking_number,
        estimated_delivery=timezone.localdate() + timedelta(days=days),
        by=None,
    )


def notifications(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


def relayed(kind_subject: str = "") -> list:
    """Run the relay until nothing is due; the e-mails sent whose subject contains `kind_subject`."""
    while outbox_relay():
        pass
    return [email for email in mail.outbox if kind_subject in email.subject]
