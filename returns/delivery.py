"""The e-mail to the customer when a return is received: the RMA slip attached, once, through the
outbox (o2c/outbox.py). The credit notes go out on their own (invoicing/delivery.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from o2c.errors import DomainError, KernelErrorCode
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_handler
from returns.documents import return_pdf_render
from returns.models import Return
from returns.services import RETURN_RECEIVED_EMAIL


@outbox_handler(RETURN_RECEIVED_EMAIL)
def return_received_email(message: OutboxMessage) -> EmailToSend:
    rma = Return.objects.select_related("customer", "order").get(pk=message.payload["return_id"])
    if not rma.customer.email:
        raise DomainError(
            f"customer {rma.customer.code} has no billing email address",
            field="email",
            code=KernelErrorCode.NO_BILLING_EMAIL,
        )
    company = settings.O2C_COMPANY_NAME
    notes = ", ".join(note.number for note in rma.credit_notes.all())
    body = (
        f"Dear {rma.customer.name},\n\n"
        f"We have received the goods of return {rma.number} (order {rma.order.number}).\n"
        + (f"They are credited by {notes}, which we send separately.\n" if notes else "")
        + f"\nKind regards,\n{company}\n"
    )
    email = EmailMessage(
        subject=f"Return {rma.number} received — {company}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[rma.customer.email],
        headers={"X-O2C-Outbox-Id": str(message.pk)},
        attachments=[(f"{rma.number}.pdf", return_pdf_render(rma=rma), "application/pdf")],
    )
    return EmailToSend(email)
