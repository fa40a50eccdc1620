"""Delivery of invoices and credit notes: the PDF stored once, then emailed once, by the outbox.

`invoice_create` and `credit_note_create` enqueue `invoice_delivery` / `credit_note_delivery` in
the issuing transaction; the relay runs the handlers below after commit, at least once, and
retries a failure with backoff until `MAX_ATTEMPTS` (o2c/outbox.py). Each step is guarded by its
own field, so a redelivery repeats nothing that succeeded:

1. `pdf` empty: render, store at `invoices/<year>/<number>.pdf` (`credit-notes/…` for credit
   notes), set the field.
2. `emailed_at` empty: return the e-mail of the PDF to the customer's billing address; the relay
   marks the message sending (with its stored Message-ID), sends, then stamps `emailed_at`.
   The PDF is a Factur-X e-invoice; a customer whose `invoice_format` is `ubl` also gets the Peppol
   UBL XML attached (built from the stored amounts, cheap: no second render; decision 0058).

A failing render raises, which rolls the field update back with the handler's savepoint; the
next attempt renders again and overwrites the file at the same name, so there is only ever one
file per document. A worker killed during the send leaves the message `sending`: it is never
sent again blindly but marked `uncertain` (o2c/outbox.py, docs/decisions/0028), so a customer
never gets the same invoice twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import connection, models

from invoicing.documents import credit_note_pdf_render, document_amount, document_date, invoice_pdf_render
from invoicing.einvoice import einvoice_xml
from invoicing.einvoice.model import EDocument, credit_note_edocument, invoice_edocument
from invoicing.models import CreditNote, Invoice
from o2c.errors import DomainError, KernelErrorCode
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_delivery_state, outbox_handler, outbox_latest_messages
from o2c.paylinks import pay_url

INVOICE_DELIVERY = "invoice_delivery"
CREDIT_NOTE_DELIVERY = "credit_note_delivery"


@outbox_handler(INVOICE_DELIVERY)
def invoice_deliver(message: OutboxMessage) -> EmailToSend | None:
    invoice_id = message.payload["invoice_id"]
    _serialise(f"{INVOICE_DELIVERY}:{invoice_id}")
    invoice = Invoice.objects.select_related("customer", "order", "shipment").get(pk=invoice_id)
    pdf = _pdf_stored(document=invoice, folder="invoices", render=lambda: invoice_pdf_render(invoice=invoice))
    if invoice.emailed_at is not None:
        return
    company = settings.O2C_COMPANY_NAME
    reference = f" (your reference {invoice.customer_reference})" if invoice.customer_reference else ""
    body = (
        f"Dear {invoice.customer.name},\n\n"
        f"Please find attached our invoice {invoice.number} of {document_date(invoice.issue_date)} "
        f"{f'for order {invoice.order.number}' if invoice.order else 'carried over'}{reference}.\n\n"
        f"Amount due: {document_amount(invoice.total, invoice.currency)} {invoice.currency}\n"
        f"Due date: {document_date(invoice.due_date)}\n"
        f"Payment reference: {invoice.number}\n\n"
        f"Please quote the payment reference with your transfer.\n\n"
        + (f"Pay online now: {pay_url(invoice.pk)}\n\n" if invoice.total > 0 else "")
        + f"Kind regards,\n{company}\n"
    )
    attachments, note = _einvoice_attachments(
        document=invoice, build=lambda: invoice_edocument(invoice=invoice), kind="invoice"
    )
    return _email(
        document=invoice,
        subject=f"Invoice {invoice.number} from {company}",
        body=body.replace("\nKind regards,", f"{note}\nKind regards,") if note else body,
        pdf=pdf,
        message=message,
        attachments=attachments,
    )


@outbox_handler(CREDIT_NOTE_DELIVERY)
def credit_note_deliver(message: OutboxMessage) -> EmailToSend | None:
    credit_note_id = message.payload["credit_note_id"]
    _serialise(f"{CREDIT_NOTE_DELIVERY}:{credit_note_id}")
    note = CreditNote.objects.select_related("customer", "invoice__order").get(pk=credit_note_id)
    pdf = _pdf_stored(
        document=note, folder="credit-notes", render=lambda: credit_note_pdf_render(credit_note=note)
    )
    if note.emailed_at is not None:
        return
    company = settings.O2C_COMPANY_NAME
    body = (
        f"Dear {note.customer.name},\n\n"
        f"Please find attached our credit note {note.number} of {document_date(note.issue_date)} "
        f"on invoice {note.invoice.number}.\n\n"
        f"Amount credited: {document_amount(note.total, note.currency)} {note.currency}\n"
        f"Reason: {note.reason}\n\n"
        f"The credit is set against invoice {note.invoice.number}.\n\n"
        f"Kind regards,\n{company}\n"
    )
    attachments, extra = _einvoice_attachments(
        document=note, build=lambda: credit_note_edocument(credit_note=note), kind="credit note"
    )
    return _email(
        document=note,
        subject=f"Credit note {note.number} from {company}",
        body=body.replace("\nKind regards,", f"{extra}\nKind regards,") if extra else body,
        pdf=pdf,
        message=message,
        attachments=attachments,
    )


def _serialise(key: str) -> None:
    """Deliveries of the same document wait for each other (two messages for one invoice send one
    email), without locking the document row that payments and credit notes lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def _pdf_stored(*, document: Invoice | CreditNote, folder: str, render: Callable[[], bytes]) -> bytes:
    """The document's PDF, rendered and stored the first time only (or again if the stored
    file was lost)."""
    if document.pdf and default_storage.exists(document.pdf.name):
        with default_storage.open(document.pdf.name, "rb") as stored:
            return stored.read()
    pdf = render()
    name = f"{folder}/{document.issue_date.year}/{document.number}.pdf"
    if default_storage.exists(name):  # left by an attempt whose transaction rolled back
        default_storage.delete(name)
    stored_name = default_storage.save(name, ContentFile(pdf))
    type(document).objects.filter(pk=document.pk).update(pdf=stored_name)
    document.pdf.name = stored_name
    return pdf


def _einvoice_attachments(
    *, document: Invoice | CreditNote, build: Callable[[], EDocument], kind: str
) -> tuple[list[tuple[str, bytes, str]], str]:
    """What the customer's `invoice_format` adds to the PDF (which is always Factur-X): `ubl`
    the Peppol UBL XML beside it; `facturx` a line saying the XML is inside; `pdf` nothing."""
    preferred = document.customer.invoice_format
    if preferred == "ubl":
        xml = einvoice_xml(document=build(), syntax="ubl")
        note = f"The {kind} is attached as a Peppol BIS Billing 3.0 UBL e-invoice ({document.number}.xml).\n"
        return [(f"{document.number}.xml", xml, "application/xml")], note
    if preferred == "facturx":
        return [], "The PDF is a Factur-X e-invoice (EN 16931): its XML (factur-x.xml) is embedded.\n"
    return [], ""


def _email(
    *,
    document: Invoice | CreditNote,
    subject: str,
    body: str,
    pdf: bytes,
    message: OutboxMessage,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> EmailToSend:
    recipient = document.customer.email
    if not recipient:
        raise DomainError(
            f"customer {document.customer.code} has no billing email address",
            field="email",
            code=KernelErrorCode.NO_BILLING_EMAIL,
        )
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers={"X-O2C-Outbox-Id": str(message.pk)},
        attachments=[(f"{document.number}.pdf", pdf, "application/pdf"), *(attachments or [])],
    )

    def sent(at) -> None:
        type(document).objects.filter(pk=document.pk).update(emailed_at=at)
        document.emailed_at = at

    return EmailToSend(email, sent=sent)


# --- What the invoice page and the API show ----------------------------------------------------


@dataclass(frozen=True)
class DeliveryStatus:
    """`pending`: queued, not tried yet; `retrying`: failed at least once, tried again at
    `next_attempt_at`; `failed`: gave up after MAX_ATTEMPTS; `sent`: delivered."""

    state: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    emailed_at: datetime | None


def _status(message: OutboxMessage | None, emailed_at: datetime | None) -> DeliveryStatus:
    state = outbox_delivery_state(message, emailed_at=emailed_at)
    if message is None:
        return DeliveryStatus(
            state=state, attempts=0, last_error="", next_attempt_at=None, emailed_at=emailed_at
        )
    return DeliveryStatus(
        state=state,
        attempts=message.attempts,
        last_error=message.last_error,
        next_attempt_at=message.next_attempt_at if state in ("pending", "retrying") else None,
        emailed_at=emailed_at,
    )


def invoice_delivery_statuses(
    *, invoices: models.QuerySet[Invoice] | list[Invoice]
) -> dict[int, DeliveryStatus]:
    """Delivery status per invoice id, in one query for a whole list page."""
    invoices = list(invoices)
    latest = outbox_latest_messages(
        kind=INVOICE_DELIVERY, key="invoice_id", ids=[invoice.pk for invoice in invoices]
    )
    return {invoice.pk: _status(latest.get(invoice.pk), invoice.emailed_at) for invoice in invoices}


def invoice_delivery_status(*, invoice: Invoice) -> DeliveryStatus:
    return invoice_delivery_statuses(invoices=[invoice])[invoice.pk]


def credit_note_delivery_statuses(
    *, credit_notes: models.QuerySet[CreditNote] | list[CreditNote]
) -> dict[int, DeliveryStatus]:
    notes = list(credit_notes)
    latest = outbox_latest_messages(
        kind=CREDIT_NOTE_DELIVERY, key="credit_note_id", ids=[note.pk for note in notes]
    )
    return {note.pk: _status(latest.get(note.pk), note.emailed_at) for note in notes}


def credit_note_delivery_status(*, credit_note: CreditNote) -> DeliveryStatus:
    return credit_note_delivery_statuses(credit_notes=[credit_note])[credit_note.pk]
