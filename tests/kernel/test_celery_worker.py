"""A task queued on commit runs in a real Celery worker process over the real Redis broker,
and its effect is visible in the database."""

import os
import time

import pytest
from django.core import mail
from django.db import transaction

from o2c.models import OutboxMessage
from o2c.outbox import outbox_enqueue
from tests.kernel.celery_broker import real_worker, redis_url_for_tests

REDIS_URL = os.environ.get("O2C_TEST_REDIS_URL", redis_url_for_tests(15))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_process():
    """A worker on the test database and the test broker; the test process queues to it."""
    with real_worker(broker_url=REDIS_URL, name="test") as worker:
        yield worker


def test_outbox_message_is_delivered_by_a_real_worker(celery_worker_process):
    with transaction.atomic():
        message = outbox_enqueue(
            kind="email",
            payload={
                "to": ["ap@customer.example"],
                "subject": "Invoice INV-2026-000001",
                "body": "Attached.",
            },
        )
        assert OutboxMessage.objects.get(pk=message.pk).status == "pending"

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        # `sending` is the moment between the two commits of a send (o2c/outbox.py): not yet settled
        if message.status not in ("pending", "sending") or celery_worker_process.poll() is not None:
            break
        time.sleep(0.25)

    assert message.status == "delivered", message.last_error
    assert message.attempts == 1
    assert mail.outbox == []  # sent by the worker process, not eagerly in this one
