"""The payload of each event: the object as the API shows it, for every type the cycle tells, and
never a failed business change because a payload could not be rendered."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from o2c import pipeline
from receivables.dunning import services as dunning_services
from tests.builders import a_customer, a_product, an_order, line, stock
from webhooks import payloads
from webhooks.models import WebhookDelivery
from webhooks.tests.test_delivery import an_endpoint, retry_now, send_due

pytestmark = pytest.mark.django_db


def test_every_event_of_the_cycle_is_delivered_with_its_object(receiver, make_user):
    """Each renderer of webhooks/payloads.py, through the pipeline: the payload's data is the object
    the API shows (its id and number), for every type the cycle tells."""
    clerk, manager = make_user("warehouse"), make_user("manager")
    machine = a_product(price="100.00")
    stock(machine, "5")
    an_endpoint(receiver.url)
    buyer = a_customer(credit_limit="10000.00", payment_terms_days=10)
    order = an_order(buyer, line(machine, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=clerk)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=clerk)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=clerk)
    invoice = order.invoices.get()
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="goodwill", amount=Decimal("1.00"), by=manager
    )
    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk, amount=Decimal("2.00"), reason="damaged", by=manager
    )
    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="rejected", by=manager)
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        run = dunning_services.dunning_run(by=None)
    payment = pipeline.payment_record(
        customer_id=buyer.pk,
        amount=Decimal("500.00"),
        received_on=timezone.localdate(),
        reference=invoice.number,
    )
    pipeline.payment_reverse(payment_id=payment.pk, reason="bounced", by=None)
    retry_now()  # the dunning run's delivery was written 15 days ahead
    while send_due():
        pass
    assert not WebhookDelivery.objects.exclude(status="delivered").exists()

    bodies = [json.loads(p.body) for p in receiver.posts()]
    numbers = {
        "order": order.number,
        "shipment": shipment.number,
        "invoice": invoice.number,
        "credit_note": note.number,
        "payment": payment.number,
    }
    seen = set()
    for body in bodies:
        kind = body["type"].split(".")[0]
        seen.add(body["type"])
        assert body["data"]["id"], body
        if kind in numbers:
            assert body["data"]["number"] == numbers[kind], body
    assert body_of(bodies, "dispute.resolved")["data"]["status"] == "rejected"
    assert body_of(bodies, "dunning.notice_sent")["data"]["id"] == run.notices.get().pk
    assert body_of(bodies, "customer.created")["data"]["code"] == buyer.code
    assert seen >= {
        "customer.created",
        "order.created",
        "order.submitted",
        "invoice.issued",
        "shipment.shipped",
        "credit_note.issued",
        "dispute.opened",
        "dispute.resolved",
        "dunning.notice_sent",
        "payment.recorded",
        "invoice.paid",
        "order.closed",
        "payment.reversed",
    }


def body_of(bodies, event_type):
    return next(body for body in bodies if body["type"] == event_type)


def test_a_renderer_that_fails_does_not_fail_the_change(receiver, monkeypatch):
    def broken(pk):
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(payloads.RENDERERS, "customers.customer", broken)
    an_endpoint(receiver.url)
    customer = a_customer()
    assert json.loads(WebhookDelivery.objects.get().body)["data"] == {"id": customer.pk}
