"""Webhooks with a real Celery worker on the real Redis broker (`-m worker`): events told while no
worker runs are delivered when one starts; a slow receiver with 1,000 events waiting never holds
up order intake."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import transaction

from o2c import pipeline
from o2c.celery import app as celery_app
from o2c.events import event_emit
from tests.builders import a_customer, a_product, an_order, line
from tests.kernel.celery_broker import broker_use, real_worker, redis_url_for_tests
from webhooks import services
from webhooks.models import WebhookDelivery

REDIS_URL = os.environ.get("O2C_TEST_WEBHOOKS_REDIS_URL", redis_url_for_tests(3))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, seconds: float = 120, worker=None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        assert worker is None or worker.poll() is None, "the worker died"
        time.sleep(0.2)
    return condition()


def pending() -> int:
    return WebhookDelivery.objects.filter(status="pending").count()


def test_events_told_while_no_worker_runs_are_delivered_when_one_starts(receiver):
    services.webhook_endpoint_create(url=receiver.url, events=["*"])
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    broker_use(task_always_eager=False, broker_url=REDIS_URL)
    try:
        celery_app.control.purge()
        customers = [a_customer() for _ in range(3)]  # each commit queues a send task: nobody takes it
        assert pending() == 3 and receiver.posts() == []
        with real_worker(broker_url=REDIS_URL, name="webhooks-late", purge=False) as worker:
            assert wait_for(lambda: pending() == 0, worker=worker)
    finally:
        broker_use(**previous)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
    assert sorted(int(p.body.split(b'"id":')[1].split(b",")[0]) for p in receiver.posts()) == sorted(
        c.pk for c in customers
    )


def test_a_thousand_events_to_a_slow_receiver_do_not_hold_up_order_intake(receiver):
    receiver.gate = threading.Event()  # the receiver answers nothing until the gate opens
    service = a_product(price="10.00", tax_rate="0.00", kind="service", cost="0")
    buyers = [a_customer(credit_limit="100000.00") for _ in range(10)]
    services.webhook_endpoint_create(url=receiver.url, events=["*"])
    with real_worker(
        broker_url=REDIS_URL, name="webhooks-slow", env={"O2C_WEBHOOK_TIMEOUT": "120"}
    ) as worker:
        with transaction.atomic():
            for number in range(1000):
                event_emit("customer.updated", buyers[number % 10], fields=["name"])
        assert wait_for(lambda: len(receiver.received) >= 1, worker=worker)  # the worker is stuck sending

        # Orders are taken, submitted and invoiced while the worker waits on the receiver.
        orders = [an_order(buyer, line(service, "1"), submit=True) for buyer in buyers[:5]]
        cancelled = pipeline.order_cancel(
            order_id=an_order(buyers[5], line(service, "1")).pk, reason="x", by=None
        )
        assert {order.status for order in orders} == {"fulfilled"}  # services: invoiced on approval
        assert cancelled.status == "cancelled"
        assert len(receiver.received) == 1 and pending() >= 1000  # still waiting: nothing went past it
        total = WebhookDelivery.objects.count()
        assert total > 1000  # the orders' own events joined the queue

        receiver.gate.set()
        opened = time.monotonic()
        assert wait_for(lambda: pending() == 0, seconds=300, worker=worker)
        print(
            f"\n{total} deliveries sent by one solo worker in {time.monotonic() - opened:.1f} s (a figure, not a test)"
        )
    assert WebhookDelivery.objects.filter(status="delivered").count() == total
    assert len({p.headers["webhook-id"] for p in receiver.posts()}) == total
