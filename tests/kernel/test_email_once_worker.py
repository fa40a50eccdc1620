"""A backlog of invoice e-mails, the worker SIGKILLed twice in the middle of it and restarted:
every invoice gets one e-mail, none two (o2c/outbox.py, docs/decisions/0028).

The first kill is the worst case, on purpose: the worker dies right after the mail server (a
file-based backend) accepted an e-mail and before it recorded that. The second is a SIGKILL
from outside at whatever point the worker is. The PDFs are stored beforehand, so the workers
only e-mail and the test stays short.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from invoicing.models import Invoice
from o2c import outbox
from o2c.models import OutboxMessage
from o2c.tasks import outbox_relay
from tests.builders import a_customer, an_invoice
from tests.kernel.celery_broker import real_worker, redis_url_for_tests

ROOT = Path(__file__).resolve().parents[2]
# 7…4: clear of the invoice worker test (11…8) and the Celery worker test (15…12)
REDIS_URL = os.environ.get("O2C_TEST_EMAIL_ONCE_REDIS_URL", redis_url_for_tests(7))
BACKLOG = 150
FIRST_KILL_AFTER = 40  # e-mails written by the first worker before it kills itself

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_SETTINGS = """
from o2c.settings_test import *  # noqa: F403

EMAIL_BACKEND = {backend!r}
EMAIL_FILE_PATH = {mail_dir!r}
O2C_OUTBOX_SENDING_TIMEOUT = 0  # one worker at a time here: a message left sending is a dead one's
"""
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
CRASHING_BACKEND = "tests.kernel.crash_mail.EmailBackend"


def sent_emails(mail_dir: Path) -> list[email.message.Message]:
    """Every e-mail in the mail directory (a file may hold several, separated by a rule); long
    headers such as a Message-ID with a four-digit outbox id come folded, and the default policy
    unfolds them (a fold right after the colon leaves a leading space, stripped where compared)."""
    found = []
    for path in mail_dir.iterdir():
        for chunk in re.split(rb"\n-{79}\n", path.read_bytes()):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
    return found


def backlog_build(count: int) -> list[Invoice]:
    """Invoices with their PDF already stored and their delivery queued, nothing relayed yet."""
    customer = a_customer(code="BACKLOG", credit_limit="100000000.00")
    invoices = []
    for _ in range(count):
        invoice = an_invoice(customer, "10.00")
        name = default_storage.save(f"invoices/test/{invoice.number}.pdf", ContentFile(b"%PDF-1.4 test"))
        Invoice.objects.filter(pk=invoice.pk).update(pdf=name)
        invoices.append(invoice)
    return invoices


def relay_kick(times: int = 8) -> None:
    for _ in range(times):
        outbox_relay.delay()


def wait_for(condition, *, process=None, timeout: float = 300, kick_every: float = 5.0) -> bool:
    """Wait for `condition`, kicking the relay every few seconds as beat's `outbox-relay` safety
    net does each minute in production, so a kick lost at a worker's start does not stall the test."""
    deadline = time.monotonic() + timeout
    next_kick = time.monotonic() + kick_every
    while time.monotonic() < deadline:
        if condition() or (process is not None and process.poll() is not None):
            return condition()
        if time.monotonic() >= next_kick:
            relay_kick(1)
            next_kick = time.monotonic() + kick_every
        time.sleep(0.01)
    return condition()


def settled() -> bool:
    return not OutboxMessage.objects.filter(status__in=["pending", "sending"]).exists()


def test_killed_workers_never_send_an_invoice_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(outbox, "_relay_soon", lambda: None)  # the backlog builds up unrelayed
    invoices = backlog_build(BACKLOG)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started = time.monotonic()

    def worker(backend: str, **env):
        settings_name = f"email_once_{len(list(tmp_path.glob('email_once_*.py')))}"
        (tmp_path / f"{settings_name}.py").write_text(
            WORKER_SETTINGS.format(backend=backend, mail_dir=str(mail_dir))
        )
        extra = {
            "DJANGO_SETTINGS_MODULE": settings_name,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH")])
            ),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **env,
        }
        return real_worker(broker_url=REDIS_URL, name="email-once", env=extra)

    # 1. the worker dies right after the mail server accepted e-mail number 40
    with worker(CRASHING_BACKEND, O2C_TEST_KILL_AFTER_SEND=str(FIRST_KILL_AFTER)) as first:
        relay_kick()
        first.wait(timeout=120)
        assert first.returncode == -signal.SIGKILL
    assert len(sent_emails(mail_dir)) == FIRST_KILL_AFTER
    [in_flight] = OutboxMessage.objects.filter(status="sending")

    # 2. restarted; killed again from outside, in the middle of the rest of the backlog
    with worker(FILE_BACKEND) as second:
        relay_kick()
        # counted by e-mail, not by file: the file backend names a file by the second and the id()
        # of its connection, which Python reuses, so several e-mails can share one file
        assert wait_for(lambda: len(sent_emails(mail_dir)) >= FIRST_KILL_AFTER + 50, process=second)
        second.send_signal(signal.SIGKILL)
        second.wait(timeout=30)
    in_flight.refresh_from_db()
    assert in_flight.status == "uncertain"  # maybe sent: never sent again
    assert in_flight.message_id in in_flight.last_error

    # 3. restarted again: the rest goes out
    with worker(FILE_BACKEND) as third:
        relay_kick()
        assert wait_for(settled, process=third), OutboxMessage.objects.values("status").annotate()
        relay_kick(1)  # a dead worker's message left sending is settled by the next relay
        assert wait_for(lambda: not OutboxMessage.objects.filter(status="sending").exists(), process=third)
    elapsed = time.monotonic() - started

    emails = sent_emails(mail_dir)
    per_invoice = Counter(re.search(r"Invoice (\S+) from", message["Subject"]).group(1) for message in emails)
    per_message_id = Counter(message["Message-ID"].strip() for message in emails)
    messages = {m.payload["invoice_id"]: m for m in OutboxMessage.objects.filter(kind="invoice_delivery")}
    uncertain = [m for m in messages.values() if m.status == "uncertain"]
    print(f"{BACKLOG} invoices, {len(emails)} e-mails, {len(uncertain)} uncertain, {elapsed:.1f} s")

    assert max(per_invoice.values()) == 1, [n for n, c in per_invoice.items() if c > 1]
    assert max(per_message_id.values()) == 1
    assert {m.status for m in messages.values()} <= {"delivered", "uncertain"}
    assert len(uncertain) <= 2  # at most the one in flight at each kill
    for invoice in invoices:
        message = messages[invoice.pk]
        expected = {1} if message.status == "delivered" else {0, 1}  # uncertain: killed mid-send
        assert per_invoice.get(invoice.number, 0) in expected, (invoice.number, message.status)
        if per_invoice.get(invoice.number):
            [sent] = [e for e in emails if invoice.number in e["Subject"]]
            assert sent["Message-ID"].strip() == message.message_id
    # the worst case (killed after the server accepted) did send its e-mail, exactly once
    assert per_invoice[Invoice.objects.get(pk=in_flight.payload["invoice_id"]).number] == 1
    assert len(emails) >= BACKLOG - 1
