"""Sending a customer notification: the outbox handler of `customer_notification` messages.

The relay calls it after the queueing transaction committed (o2c/outbox.py): it renders the
template of the notification's kind in its language with the values of the order (and
shipment), and returns the e-mail, a plain-text body with an HTML alternative (the same text,
escaped, links made clickable), with the order confirmation PDF attached to a confirmation.
The relay sends it at most once and stamps `emailed_at` (docs/decisions/0028) — the path the
invoices take, not a second one.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import linebreaks, urlize

from notifications.models import Kind, Notification
from notifications.placeholders import template_render
from notifications.selectors import template_text, tracking_url
from notifications.services import OUTBOX_KIND, sales_owner
from o2c.documents import document_amount, document_date
from o2c.models import OutboxMessage
from o2c.outbox import EmailToSend, outbox_handler
from orders.documents import order_confirmation_pdf_render

# What a value the order does not have reads as, per language.
_NONE = {"en": "—", "de": "—"}
_TO_BE_CONFIRMED = {"en": "to be confirmed", "de": "wird noch mitgeteilt"}


def _date(value: date | None, language: str, *, missing: str = "") -> str:
    if value is None:
        return missing or _NONE.get(language, "—")
    if language == "en":
        return document_date(value)  # 7 Dec 2026, as on the documents
    return str(format_date(value, format="medium", locale=language))


def _amount(value, currency: str, language: str) -> str:
    if language == "en":
        return f"{document_amount(value, currency)} {currency}"
    return f"{format_decimal(value, format='#,##0.00', locale=language)} {currency}"


def notification_values(notification: Notification) -> dict[str, str]:
    """The placeholders' values (notifications/placeholders.py) for `notification`, formatted
    for its language."""
    order, shipment, language = notification.order, notification.shipment, notification.language
    customer = order.customer
    values = {
        "company_name": settings.O2C_COMPANY_NAME,
        "customer_name": customer.name,
        "customer_code": customer.code,
        "customer_email": customer.email,
        "order_number": order.number,
        "order_date": _date(order.order_date, language),
        "order_total": _amount(order.total, order.currency, language),
        "customer_reference": order.customer_reference or _NONE.get(language, "—"),
        "requested_delivery_date": _date(order.requested_delivery_date, language),
    }
    if shipment is not None:
        shipped_on = timezone.localdate(shipment.shipped_at) if shipment.shipped_at else None
        url = tracking_url(carrier=shipment.carrier, tracking_number=shipment.tracking_number)
        values |= {
            "shipment_number": shipment.number,
            "carrier": shipment.carrier or _NONE.get(language, "—"),
            "tracking_number": shipment.tracking_number or _NONE.get(language, "—"),
            "tracking_url": url or _NONE.get(language, "—"),
            "estimated_delivery": _date(
                shipment.estimated_delivery, language, missing=_TO_BE_CONFIRMED.get(language, "")
            ),
            "shipped_date": _date(shipped_on, language),
        }
    owner = sales_owner(order)
    values["sales_owner_name"] = (owner.get_full_name() or owner.username) if owner is not None else ""
    return values


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of `notification`, rendered now from the company's current template."""
    subject_template, body_template = template_text(kind=notification.kind, language=notification.language)
    values = notification_values(notification)
    subject = template_render(subject_template, values)
    body = template_render(body_template, values)
    html = f'<!doctype html>\n<html lang="{notification.language}"><body>\n{linebreaks(urlize(body, autoescape=True))}\n</body></html>\n'
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
    )
    email.attach_alternative(html, "text/html")
    if notification.kind == Kind.ORDER_CONFIRMATION:
        pdf = order_confirmation_pdf_render(order=notification.order)
        email.attach(f"{notification.order.number}.pdf", pdf, "application/pdf")
    return email


@outbox_handler(OUTBOX_KIND)
def notification_deliver(message: OutboxMessage) -> EmailToSend | None:
    """payload: `notification_id`. Nothing to do once it was e-mailed."""
    notification = Notification.objects.select_related(
        "order__customer", "order__created_by", "shipment"
    ).get(pk=message.payload["notification_id"])
    if notification.emailed_at is not None:
        return None
    email = notification_email(notification)
    email.extra_headers["X-O2C-Outbox-Id"] = str(message.pk)

    def sent(at: datetime) -> None:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=at)

    return EmailToSend(email, sent=sent)
