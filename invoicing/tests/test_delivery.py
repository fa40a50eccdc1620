"""Delivery through the outbox: the PDF stored once, emailed once, failures retried and visible.

Shipping queues `invoice_delivery` in its transaction; these tests run the relay by hand (the
test transaction never commits, so no on-commit relay fires) and read what the customer got
from `django.core.mail.outbox`.
"""

import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from invoicing.delivery import (
    credit_note_delivery_status,
    invoice_deliver,
    invoice_delivery_status,
    invoice_delivery_statuses,
)
from invoicing.documents import document_date
from invoicing.tests.test_documents import pdf_text, shipped_invoice
from o2c import outbox, pipeline
from o2c.models import OutboxMessage
from o2c.outbox import outbox_enqueue, outbox_relay

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused by smtp.example.com:587")


class DisconnectingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def delivery_message(invoice) -> OutboxMessage:
    return OutboxMessage.objects.get(kind="invoice_delivery", payload__invoice_id=invoice.pk)


def stored_files(media_root, folder="invoices"):
    return sorted(
        path.relative_to(media_root).as_posix() for path in (media_root / folder).rglob("*") if path.is_file()
    )


def test_shipping_queues_the_delivery_which_stores_the_pdf_and_emails_it(media_root):
    invoice = shipped_invoice()
    message = delivery_message(invoice)
    assert invoice_delivery_status(invoice=invoice).state == "pending"

    assert outbox_relay() == 1

    invoice.refresh_from_db()
    year = invoice.issue_date.year
    assert invoice.pdf.name == f"invoices/{year}/{invoice.number}.pdf"
    assert stored_files(media_root) == [f"invoices/{year}/{invoice.number}.pdf"]
    assert invoice.emailed_at is not None

    [email] = mail.outbox
    assert email.to == [invoice.customer.email]
    assert email.subject == f"Invoice {invoice.number} from O2C Demo Trading GmbH"
    assert email.extra_headers["X-O2C-Outbox-Id"] == str(message.pk)
    assert "Amount due: 3,797.72 EUR" in email.body
    assert f"Due date: {document_date(invoice.due_date)}" in email.body
    assert f"Payment reference: {invoice.number}" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content == (media_root / invoice.pdf.name).read_bytes()  # what was stored is what was sent
    assert invoice.number in pdf_text(content)[1]

    status = invoice_delivery_status(invoice=invoice)
    assert (status.state, status.attempts, status.emailed_at) == ("sent", 1, invoice.emailed_at)


def test_a_second_run_and_a_second_message_do_nothing_twice(media_root):
    invoice = shipped_invoice()
    outbox_relay()
    invoice.refresh_from_db()
    stored_at, emailed_at = (media_root / invoice.pdf.name).stat().st_mtime_ns, invoice.emailed_at

    invoice_deliver(delivery_message(invoice))  # the same message delivered again (at least once)
    outbox_enqueue(kind="invoice_delivery", payload={"invoice_id": invoice.pk})  # a duplicate message
    assert outbox_relay() == 1

    invoice.refresh_from_db()
    assert len(mail.outbox) == 1
    assert stored_files(media_root) == [invoice.pdf.name]
    assert (media_root / invoice.pdf.name).stat().st_mtime_ns == stored_at  # not rendered again
    assert invoice.emailed_at == emailed_at


def test_a_mail_server_that_is_down_is_retried_with_backoff_and_then_succeeds(settings, media_root):
    invoice = shipped_invoice()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    before = timezone.now()

    assert outbox_relay() == 0

    message = delivery_message(invoice)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    assert "Connection refused by smtp.example.com:587" in message.last_error
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    invoice.refresh_from_db()
    # the PDF is stored before the send (the message is marked sending with it); no e-mail left
    assert (invoice.pdf.name, invoice.emailed_at) == (
        f"invoices/{invoice.issue_date.year}/{invoice.number}.pdf",
        None,
    )
    status = invoice_delivery_status(invoice=invoice)
    assert (status.state, status.attempts, status.next_attempt_at) == ("retrying", 1, message.next_attempt_at)
    assert "Connection refused" in status.last_error
    assert outbox_relay() == 0  # not due yet
    message.refresh_from_db()
    assert message.attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox_relay() == 1

    invoice.refresh_from_db()
    assert len(mail.outbox) == 1 and invoice.emailed_at is not None
    # The file the failed attempt left behind was replaced, not duplicated under another name.
    assert (
        stored_files(media_root)
        == [invoice.pdf.name]
        == [f"invoices/{invoice.issue_date.year}/{invoice.number}.pdf"]
    )
    status = invoice_delivery_status(invoice=invoice)
    assert (status.state, status.attempts, status.last_error, status.next_attempt_at) == ("sent", 2, "", None)


def test_after_the_last_attempt_the_delivery_is_failed(settings):
    invoice = shipped_invoice()
    settings.EMAIL_BACKEND = f"{__name__}.DisconnectingBackend"
    message = delivery_message(invoice)

    for _ in range(outbox.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_relay()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    status = invoice_delivery_status(invoice=invoice)
    assert (status.state, status.attempts, status.next_attempt_at) == ("failed", outbox.MAX_ATTEMPTS, None)
    assert status.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []


def test_a_credit_note_is_delivered_like_an_invoice(media_root):
    invoice = shipped_invoice()
    outbox_relay()
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="Goodwill", amount=Decimal("50.00"), by=None
    )
    assert credit_note_delivery_status(credit_note=note).state == "pending"

    assert outbox_relay() == 1

    note.refresh_from_db()
    assert note.pdf.name == f"credit-notes/{note.issue_date.year}/{note.number}.pdf"
    assert stored_files(media_root, "credit-notes") == [note.pdf.name]
    email = mail.outbox[-1]
    assert email.subject == f"Credit note {note.number} from O2C Demo Trading GmbH"
    assert email.to == [invoice.customer.email]
    assert "Amount credited: 50.00 EUR" in email.body
    [(filename, content, _)] = email.attachments
    assert filename == f"{note.number}.pdf"
    assert invoice.number in pdf_text(content)[1]
    assert credit_note_delivery_status(credit_note=note).state == "sent"


def test_the_status_of_a_list_of_invoices_is_read_in_one_query(django_assert_num_queries, settings):
    first, second = shipped_invoice(), shipped_invoice()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    OutboxMessage.objects.filter(payload__invoice_id=second.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    outbox_relay()  # the first fails once; the second is not due

    with django_assert_num_queries(1):
        statuses = invoice_delivery_statuses(invoices=[first, second])

    assert (statuses[first.pk].state, statuses[second.pk].state) == ("retrying", "pending")


def test_a_delivery_a_dead_worker_left_uncertain_shows_failed_with_what_to_check(settings):
    invoice = shipped_invoice()
    message = delivery_message(invoice)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", message_id="<x@o2c.example>", sending_at=timezone.now() - timedelta(hours=1)
    )
    assert invoice_delivery_status(invoice=invoice).state == "pending"
    assert outbox_relay() == 0
    status = invoice_delivery_status(invoice=invoice)
    assert status.state == "failed" and "<x@o2c.example>" in status.last_error
    assert mail.outbox == []
