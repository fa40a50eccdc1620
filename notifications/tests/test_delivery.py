"""Sending through the outbox relay (the locmem mail backend): each e-mail once, plain text with
an HTML alternative, in the customer's language, the PDF attached to the confirmation, the
tracking link from the carrier table."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core import mail
from pypdf import PdfReader

from notifications.models import Kind, Notification, NotificationTemplate
from notifications.services import notification_settings_update
from notifications.tests.builders import a_held_order, a_shipped_shipment, an_approved_order, relayed
from o2c.events import event_emit
from o2c.models import OutboxMessage
from o2c.outbox import outbox_relay

pytestmark = pytest.mark.django_db


def html_of(email) -> str:
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return html


def test_the_confirmation_is_sent_once_with_its_pdf():
    order = an_approved_order(name="Evergreen Hotels AG", email="ap@evergreen.example")
    event_emit("order.submitted", order)

    [email] = relayed("Order confirmation")
    assert email.to == ["ap@evergreen.example"]
    assert email.subject == f"Order confirmation {order.number}"
    assert "Dear Evergreen Hotels AG," in email.body
    assert "Order total: 238.00 EUR" in email.body  # 2 × 100.00 + 19 %
    assert "Evergreen Hotels AG" in html_of(email) and "<p>" in html_of(email)
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (f"{order.number}.pdf", "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert f"Order confirmation {order.number}" in text and "238.00" in text

    notification = Notification.objects.get(kind=Kind.ORDER_CONFIRMATION)
    assert notification.emailed_at is not None
    message = OutboxMessage.objects.get(payload__notification_id=notification.pk)
    assert message.status == "delivered" and email.extra_headers["Message-ID"] == message.message_id

    event_emit("order.submitted", order)  # once more: nothing new to send
    assert outbox_relay() == 0
    assert len(relayed("Order confirmation")) == 1


def test_a_german_customer_gets_german_text():
    order = an_approved_order(language="de", name="Kaffeehaus Müller GmbH")
    event_emit("order.submitted", order)
    [email] = relayed("Auftragsbestätigung")
    assert email.subject == f"Auftragsbestätigung {order.number}"
    assert "Guten Tag Kaffeehaus Müller GmbH," in email.body
    assert "Auftragssumme: 238,00 EUR" in email.body
    assert email.attachments  # the PDF too


def test_the_shipping_notice_has_carrier_tracking_link_and_estimated_delivery():
    shipment = a_shipped_shipment(carrier="dhl", tracking_number="JJD 0001/7", days=3)
    event_emit("shipment.shipped", shipment)
    [email] = relayed("is on its way")
    assert email.to == [shipment.order.customer.email]
    assert "Carrier: dhl" in email.body
    assert "Tracking number: JJD 0001/7" in email.body
    assert "tracking-id=JJD%200001%2F7" in email.body  # the carrier's URL, matched in any case
    assert "Estimated delivery: " in email.body and "to be confirmed" not in email.body
    assert email.attachments == []
    assert '<a href="https://www.dhl.com/' in html_of(email)  # the link made clickable


def test_a_carrier_not_listed_gives_no_link():
    shipment = a_shipped_shipment(carrier="Own truck", tracking_number="T-1")
    event_emit("shipment.shipped", shipment)
    [email] = relayed("is on its way")
    assert "Track your parcel: —" in email.body


def test_the_late_notice_reaches_customer_and_sales_owner(make_user):
    owner = make_user("sales", "sally")
    owner.email, owner.first_name = "sally@o2c.example", "Sally"
    owner.save()
    order = an_approved_order(by=owner, name="Late Buyer")
    shipment = a_shipped_shipment(order=order, days=-2)
    event_emit("shipment.late", shipment)

    [to_customer] = relayed("is delayed")
    assert to_customer.to == [order.customer.email]
    [to_owner] = relayed("Late shipment")
    assert to_owner.to == ["sally@o2c.example"]
    assert to_owner.subject == f"Late shipment {shipment.number} for Late Buyer"
    assert "Hello Sally," in to_owner.body


def test_the_review_note_is_neutral():
    notification_settings_update(order_review_enabled=True, by=None)
    order = a_held_order()
    event_emit("order.on_hold", order)
    [email] = relayed("reviewing")
    assert "credit" not in email.body.lower() and "hold" not in email.body.lower()


def test_an_edited_template_is_what_goes_out():
    NotificationTemplate.objects.filter(kind=Kind.ORDER_CONFIRMATION, language="en").update(
        subject="Thanks! {order_number}", body="We got {order_number} <b>at</b> {order_total}."
    )
    order = an_approved_order()
    event_emit("order.submitted", order)
    [email] = relayed("Thanks!")
    assert email.body == f"We got {order.number} <b>at</b> 238.00 EUR."
    assert "&lt;b&gt;at&lt;/b&gt;" in html_of(email)  # the HTML part escapes the text


def test_a_template_broken_behind_the_applications_back_sends_the_default():
    NotificationTemplate.objects.filter(kind=Kind.ORDER_CONFIRMATION, language="en").update(
        body="{order.customer.__class__}"
    )
    order = an_approved_order()
    event_emit("order.submitted", order)
    [email] = relayed("Order confirmation")
    assert "Thank you for your order" in email.body


def test_a_language_without_a_template_falls_back_to_english():
    NotificationTemplate.objects.filter(kind=Kind.SHIPPING_NOTICE, language="de").delete()
    shipment = a_shipped_shipment(language="de")
    event_emit("shipment.shipped", shipment)
    [email] = relayed("is on its way")
    assert email.to == [shipment.order.customer.email]


def test_no_email_is_left_in_the_outbox_unsent():
    order = an_approved_order()
    event_emit("order.submitted", order)
    shipment = a_shipped_shipment(order=order)
    event_emit("shipment.shipped", shipment)
    relayed()
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert len(mail.outbox) == 3  # confirmation, shipping notice, and the invoice itself
