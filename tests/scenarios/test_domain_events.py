"""Domain events, as a user manual: the cycle driven through the pipeline, heard by a "*"
listener. Each happening is told once, in the order it happened, inside the transaction of the
change: a change that rolls back tells nothing that survives."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from customers.services import customer_update
from fulfillment.services import shipments_flag_late
from invoicing.services import invoices_flag_overdue
from o2c import events, pipeline
from o2c.events import event_listen
from o2c.models import OutboxMessage
from receivables.dunning import services as dunning_services
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """Every event told, as (type, subject's primary key); only this test's listener."""
    monkeypatch.setattr(events, "_listeners", {})
    got: list[tuple[str, int]] = []
    event_listen("*", lambda event: got.append((event.type, event.subject.pk)))
    return got


def types(heard, start: int = 0) -> list[str]:
    return [event_type for event_type, _ in heard[start:]]


def test_the_cycle_from_customer_to_closed_order(heard, make_user):
    clerk = make_user("warehouse")
    machine = a_product(price="100.00", tax_rate="19.00")
    stock(machine, "10")
    assert heard == []  # products and goods in tell nothing (not in the catalogue)

    buyer = a_customer(credit_limit="10000.00")
    customer_update(customer_id=buyer.pk, by=None, name="Renamed GmbH")
    customer_update(customer_id=buyer.pk, by=None, name="Renamed GmbH")  # no change: nothing told
    assert heard == [("customer.created", buyer.pk), ("customer.updated", buyer.pk)]

    order = an_order(buyer, line(machine, "2"), submit=True)
    assert types(heard, 2) == ["order.created", "order.submitted"]  # approved: no event of its own

    shipment = pipeline.shipment_create(order_id=order.pk, by=clerk)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=clerk)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", tracking_number="JD1", by=clerk)
    invoice = order.invoices.get()
    # Shipping issues the invoice of what shipped, in the same transaction, then marks it shipped.
    assert heard[4:] == [("invoice.issued", invoice.pk), ("shipment.shipped", shipment.pk)]

    pipeline.shipment_deliver(shipment_id=shipment.pk, by=clerk)
    assert heard[6:] == [("shipment.delivered", shipment.pk)]

    payment = pipeline.payment_record(
        customer_id=buyer.pk, amount=invoice.total, received_on=timezone.localdate(), reference=invoice.number
    )
    assert heard[7:] == [
        ("payment.recorded", payment.pk),
        ("invoice.paid", invoice.pk),
        ("order.closed", order.pk),
    ]

    pipeline.payment_reverse(payment_id=payment.pk, reason="bounced", by=None)
    assert heard[10:] == [("payment.reversed", payment.pk)]  # reopened: no event in the catalogue


def test_a_held_order_is_submitted_then_on_hold_then_released_or_cancelled(heard, make_user):
    finance = make_user("finance")
    service = a_product(price="500.00", tax_rate="0.00", kind="service", cost="0")
    buyer = a_customer(credit_limit="100.00")
    first = an_order(buyer, line(service, "1"), submit=True)
    second = an_order(buyer, line(service, "1"), submit=True)
    assert heard[1:] == [
        ("order.created", first.pk),
        ("order.submitted", first.pk),
        ("order.on_hold", first.pk),
        ("order.created", second.pk),
        ("order.submitted", second.pk),
        ("order.on_hold", second.pk),
    ]
    del heard[:]

    pipeline.hold_release(order_id=first.pk, note="known customer", by=finance)
    invoice = first.invoices.get()  # services only: invoiced on approval
    assert heard == [("order.released", first.pk), ("invoice.issued", invoice.pk)]
    del heard[:]

    pipeline.hold_reject(order_id=second.pk, note="too much", by=finance)
    assert heard == [("order.cancelled", second.pk)]


def test_a_cancelled_order_a_credit_note_and_a_dispute(heard, make_user):
    manager = make_user("manager")
    buyer = a_customer(credit_limit="10000.00")
    draft = an_order(buyer, line(a_product(), "1"))
    pipeline.order_cancel(order_id=draft.pk, reason="customer changed their mind", by=manager)
    assert types(heard, 1) == ["order.created", "order.cancelled"]
    del heard[:]

    invoice = an_invoice(buyer, "100.00")
    del heard[:]
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="goodwill", amount=Decimal("10.00"), by=manager
    )
    assert heard == [("credit_note.issued", note.pk)]
    del heard[:]

    dispute = pipeline.dispute_open(
        invoice_id=invoice.pk, amount=Decimal("20.00"), reason="damaged", by=manager
    )
    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="credited", by=manager)
    credited = invoice.credit_notes.exclude(pk=note.pk).get()
    assert heard == [
        ("dispute.opened", dispute.pk),
        ("credit_note.issued", credited.pk),
        ("dispute.resolved", dispute.pk),
    ]


def test_a_free_invoice_is_issued_and_paid_and_its_order_closed(heard):
    free = an_invoice(a_customer(credit_limit="100.00"), "0.00")
    assert heard[1:] == [
        ("order.created", free.order_id),
        ("order.submitted", free.order_id),
        ("invoice.issued", free.pk),
        ("invoice.paid", free.pk),
        ("order.closed", free.order_id),
    ]


def test_late_overdue_and_dunning_are_told_once_each(heard, make_user):
    clerk = make_user("warehouse")
    machine = a_product()
    stock(machine, "5")
    buyer = a_customer(credit_limit="10000.00", payment_terms_days=10)
    order = an_order(buyer, line(machine, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=clerk)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=clerk)
    today = timezone.localdate()
    pipeline.shipment_ship(
        shipment_id=shipment.pk, carrier="UPS", estimated_delivery=today + timedelta(days=2), by=clerk
    )
    invoice = order.invoices.get()
    del heard[:]

    assert shipments_flag_late(today=today + timedelta(days=2)) == 0  # due that day: not late yet
    assert shipments_flag_late(today=today + timedelta(days=3)) == 1
    assert shipments_flag_late(today=today + timedelta(days=4)) == 0  # flagged once
    assert invoices_flag_overdue(today=invoice.due_date) == 0
    assert invoices_flag_overdue(today=invoice.due_date + timedelta(days=1)) == 1
    assert invoices_flag_overdue(today=invoice.due_date + timedelta(days=2)) == 0
    assert heard == [("shipment.late", shipment.pk), ("invoice.overdue", invoice.pk)]
    del heard[:]

    with time_machine.travel(timezone.now() + timedelta(days=10 + 5), tick=False):
        run = dunning_services.dunning_run(by=None)
    notice = run.notices.get()
    assert heard == [("dunning.notice_sent", notice.pk)]


def test_a_change_that_rolls_back_tells_nothing_that_survives(monkeypatch):
    """A listener that writes (as the webhooks and notifications do) writes in the change's
    transaction: the refused change leaves no row behind."""
    monkeypatch.setattr(events, "_listeners", {})
    event_listen(
        "*",
        lambda event: OutboxMessage.objects.create(
            kind="heard", payload={"type": event.type}, next_attempt_at=event.at
        ),
    )
    service = a_product(price="50.00", tax_rate="0.00", kind="service", cost="0")
    buyer = a_customer(credit_limit="10000.00")
    before = OutboxMessage.objects.filter(kind="heard").count()
    with pytest.raises(RuntimeError), transaction.atomic():
        an_order(buyer, line(service, "1"), submit=True)  # created, submitted, invoice issued
        assert OutboxMessage.objects.filter(kind="heard").count() == before + 3
        raise RuntimeError("the request fails after the order was placed")
    assert OutboxMessage.objects.filter(kind="heard").count() == before
