"""A task queued on commit runs in a real Celery worker process over the real Redis broker,
and its effect is visible in the database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction

from o2c.celery import app as celery_app
from o2c.models import OutboxMessage
from o2c.outbox import outbox_enqueue
from tests.kernel.celery_broker import broker_use, redis_url_for_tests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("O2C_TEST_REDIS_URL", redis_url_for_tests(15))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_process():
    """A worker on the test database and the test broker; the test process queues to it."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2c.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
        "O2C_TASKS_EAGER": "false",
    }
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    broker_use(task_always_eager=False, broker_url=REDIS_URL)
    celery_app.control.purge()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "o2c",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        broker_use(**previous)
        print(output[-4000:])


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
        if message.status != "pending" or celery_worker_process.poll() is not None:
            break
        time.sleep(0.25)

    assert message.status == "delivered", message.last_error
    assert message.attempts == 1
    assert mail.outbox == []  # sent by the worker process, not eagerly in this one
