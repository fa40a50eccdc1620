"""Shipping an order, a real Celery worker renders the invoice PDF, stores it and emails it.

The test process ships through the pipeline; on commit the outbox relay is queued on the real
Redis broker, and a worker process on the same test database delivers the invoice. The worker
runs with its own MEDIA_ROOT and a file-based mail backend in a temporary directory, so the test
can read the stored PDF and the email that left the worker.
"""

import email
import os
import time
from pathlib import Path

import pytest
from django.core import mail

from invoicing.tests.test_documents import pdf_text, shipped_invoice
from o2c.models import OutboxMessage
from tests.kernel.celery_broker import real_worker, redis_url_for_tests

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("O2C_TEST_INVOICE_REDIS_URL", redis_url_for_tests(11))

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_SETTINGS = """
from o2c.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = {mail_dir!r}
"""


@pytest.fixture
def invoice_worker(tmp_path):
    """A worker on the test database and broker, with its own media and mail directories."""
    media_root, mail_dir = tmp_path / "media", tmp_path / "mail"
    media_root.mkdir()
    mail_dir.mkdir()
    (tmp_path / "invoice_worker_settings.py").write_text(WORKER_SETTINGS.format(mail_dir=str(mail_dir)))
    extra = {
        "DJANGO_SETTINGS_MODULE": "invoice_worker_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH")])),
        "MEDIA_ROOT": str(media_root),
    }
    with real_worker(broker_url=REDIS_URL, name="invoice-test", env=extra) as worker:
        yield {"process": worker, "media_root": media_root, "mail_dir": mail_dir}


def test_a_shipped_invoice_is_rendered_stored_and_emailed_by_a_real_worker(invoice_worker):
    invoice = shipped_invoice()  # committed: the relay is now queued on the broker
    message = OutboxMessage.objects.get(kind="invoice_delivery", payload__invoice_id=invoice.pk)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status != "pending" or invoice_worker["process"].poll() is not None:
            break
        time.sleep(0.25)

    assert message.status == "delivered", message.last_error
    assert message.attempts == 1
    invoice.refresh_from_db()
    assert invoice.emailed_at is not None
    stored = invoice_worker["media_root"] / invoice.pdf.name
    assert invoice.pdf.name == f"invoices/{invoice.issue_date.year}/{invoice.number}.pdf"
    assert invoice.number in pdf_text(stored.read_bytes())[1]

    [sent] = [email.message_from_bytes(path.read_bytes()) for path in invoice_worker["mail_dir"].iterdir()]
    assert sent["Subject"] == f"Invoice {invoice.number} from O2C Demo Trading GmbH"
    assert sent["To"] == invoice.customer.email
    assert sent["X-O2C-Outbox-Id"] == str(message.pk)
    [attachment] = [part for part in sent.walk() if part.get_filename()]
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_payload(decode=True) == stored.read_bytes()
    assert mail.outbox == []  # sent by the worker process, not eagerly in this one
