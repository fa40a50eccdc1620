"""The quotation PDF (A4, WeasyPrint through o2c/documents.py, in the invoice's layout) and its
e-mail, delivered once through the outbox (decision 0028). Every figure printed is stored on the
quotation or its lines; internal notes never reach it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection

from o2c.documents import (
    company_block,
    document_amount,
    document_date,
    document_rows,
    pdf_render,
    recipient_block,
    tax_summary,
)
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_handler
from o2c.parsing import safe_filename
from quotations.models import Quotation

QUOTATION_DELIVERY = "quotation_delivery"


def quotation_filename(quotation: Quotation) -> str:
    return safe_filename(f"{quotation.number}.pdf", fallback="quotation.pdf")


def quotation_pdf_render(*, quotation: Quotation) -> bytes:
    """The quotation as the customer receives it."""
    customer, currency = quotation.customer, quotation.currency
    lines = list(quotation.lines.select_related("product").order_by("position"))
    facts = [
        ("Quotation no.", quotation.number),
        ("Date", document_date(quotation.quotation_date)),
        ("Valid until", document_date(quotation.valid_until)),
        ("Customer no.", customer.code),
    ]
    if quotation.customer_reference:
        facts.append(("Your reference", quotation.customer_reference))
    if quotation.requested_delivery_date:
        facts.append(("Requested delivery", document_date(quotation.requested_delivery_date)))
    context = {
        "title": "Quotation",
        "number": quotation.number,
        "company": company_block(),
        "recipient": recipient_block(customer=customer),
        "facts": facts,
        "valid_until": document_date(quotation.valid_until),
        "ship_to": [line.strip() for line in quotation.ship_to.splitlines() if line.strip()],
        "rows": document_rows(lines, currency),
        "tax_summary": tax_summary(lines, currency),
        "totals": {
            "net": document_amount(quotation.net_total, currency),
            "tax": document_amount(quotation.tax_total, currency),
            "total": document_amount(quotation.total, currency),
            "currency": currency,
        },
        "payment_terms_days": customer.payment_terms_days,
    }
    return pdf_render("quotations/pdf/quotation.html", context)


def email_body(*, quotation: Quotation) -> str:
    return (
        f"Dear {quotation.customer.name},\n\n"
        f"please find attached our quotation {quotation.number} over "
        f"{document_amount(quotation.total, quotation.currency)} {quotation.currency}, "
        f"valid until {document_date(quotation.valid_until)}.\n"
        "To accept it, reply to this e-mail or use your customer portal link.\n\n"
        f"Kind regards\n{settings.O2C_COMPANY_NAME}\n"
    )


@outbox_handler(QUOTATION_DELIVERY)
def quotation_deliver(message: OutboxMessage) -> EmailToSend | None:
    quotation_id = message.payload["quotation_id"]
    with connection.cursor() as cursor:  # two messages for one quotation send one e-mail
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{QUOTATION_DELIVERY}:{quotation_id}"]
        )
    quotation = Quotation.objects.select_related("customer").get(pk=quotation_id)
    if quotation.emailed_at is not None:
        return None
    email = EmailMessage(
        subject=f"Quotation {quotation.number} from {settings.O2C_COMPANY_NAME}",
        body=email_body(quotation=quotation),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[quotation.customer.email],
        headers={"X-O2C-Outbox-Id": str(message.pk)},
        attachments=[
            (quotation_filename(quotation), quotation_pdf_render(quotation=quotation), "application/pdf")
        ],
    )
    return EmailToSend(email, sent=lambda at: Quotation.objects.filter(pk=quotation.pk).update(emailed_at=at))
