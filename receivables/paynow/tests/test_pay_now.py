"""Pay now, end to end through the test provider: the invoice's `pay_url` opens its page without a
login, the provider "takes" the payment and sends the signed notification the app accepts, the
invoice is settled once (a replayed notification changes nothing), a forged link is a 404, and
Stripe Checkout is asked for a session of the open amount (its HTTP call is the only mock)."""

import json
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from o2c.paylinks import pay_token, pay_token_read
from o2c.signing import signature_header
from receivables.models import Payment
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


def test_the_pay_url_leads_to_a_payment_that_settles_the_invoice_once(api_client_for, settings):
    invoice = an_invoice(a_customer(code="PAYER"), "123.45")
    pay_url = api_client_for("finance").get(f"/api/v1/invoices/{invoice.pk}/").json()["pay_url"]
    assert pay_url.startswith("http://testserver/pay/")
    browser = Client()  # the customer: no login
    page = browser.get(pay_url)
    assert page.status_code == 200 and b"123.45 EUR" in page.content
    assert (page["Cache-Control"], page["Referrer-Policy"]) == ("private, no-store", "same-origin")
    to_provider = browser.post(pay_url)
    assert to_provider.status_code == 302 and to_provider["Location"].endswith("/test-provider/")
    assert browser.get(to_provider["Location"]).status_code == 200
    paid = browser.post(to_provider["Location"] + "pay/")
    assert paid.status_code == 302 and paid["Location"].endswith("?done=1")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.00"))
    payment = Payment.objects.get()
    assert (payment.source, payment.amount, payment.reference) == (
        "notification",
        Decimal("123.45"),
        invoice.number,
    )
    assert b"Thank you: your payment was received." in browser.get(paid["Location"]).content
    assert api_client_for("finance", "f2").get(f"/api/v1/invoices/{invoice.pk}/").json()["pay_url"] is None

    # The provider sends the same event again (a retry): recorded once.
    body = json.dumps(
        {"id": payment.note.removeprefix("provider event "), "customer": "PAYER", "amount": "123.45",
         "currency": "EUR", "reference": invoice.number, "received_on": payment.received_on.isoformat()}
    ).encode()  # fmt: skip
    replay = Client().post(
        "/api/v1/payment-notifications/",
        body,
        content_type="application/json",
        HTTP_X_O2C_SIGNATURE=signature_header(secret=settings.O2C_PAYMENT_NOTIFICATION_SECRET, body=body),
    )
    assert replay.status_code == 200 and replay.json()["recorded"] is False, replay.content
    assert Payment.objects.count() == 1


def test_a_forged_or_foreign_token_is_a_404():
    invoice = an_invoice(a_customer(), "10.00")
    token = pay_token(invoice.pk)
    assert pay_token_read(token) == invoice.pk
    assert Client().get(f"/pay/{token[:-2]}xx/").status_code == 404
    assert Client().get(f"/pay/{pay_token(invoice.pk + 1000)}/").status_code == 404


def test_without_a_provider_the_page_gives_the_bank_details(settings):
    settings.O2C_PAYMENT_PROVIDER = ""
    invoice = an_invoice(a_customer(), "10.00")
    page = Client().get(f"/pay/{pay_token(invoice.pk)}/")
    assert (
        page.status_code == 200
        and b'data-testid="pay"' not in page.content
        and b"bank transfer" in page.content
    )
    assert Client().get(f"/pay/{pay_token(invoice.pk)}/test-provider/").status_code == 404


def test_stripe_checkout_is_asked_for_the_open_amount(settings):
    settings.O2C_PAYMENT_PROVIDER = "stripe"
    settings.O2C_STRIPE_SECRET_KEY = "sk_test_x"
    invoice = an_invoice(a_customer(code="STRIPED"), "99.90")
    answer = mock.Mock(
        status_code=200,
        json=lambda: {"id": "cs_test_1", "url": "https://checkout.stripe.com/c/pay/cs_test_1"},
    )
    with mock.patch("receivables.paynow.providers.requests.post", return_value=answer) as post:
        started = Client().post(f"/pay/{pay_token(invoice.pk)}/")
    assert started.status_code == 302 and started["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    sent = post.call_args.kwargs["data"]
    assert (sent["line_items[0][price_data][unit_amount]"], sent["line_items[0][price_data][currency]"]) == (
        "9990",
        "eur",
    )
    assert (sent["client_reference_id"], sent["metadata[customer]"]) == (invoice.number, "STRIPED")
