"""Stripe's webhook relayed into a payment (decision 0067), with requests signed as Stripe signs
them (HMAC-SHA256 of "<t>.<body>" under the endpoint's secret, in `Stripe-Signature`): a valid
event settles its invoice once; a bad signature, an old timestamp, a replay, an unknown session and
a paid amount that differs from the session's each do what the relay's docstring says."""

import json
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from o2c.paylinks import pay_token
from o2c.signing import signature_header
from receivables.models import CheckoutSession, Payment, PaymentNotification
from receivables.paynow.services import checkout_session_record
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_relay"
URL = "/api/v1/stripe/webhook/"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.O2C_STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def invoice():
    invoice = an_invoice(a_customer(code="STRIPED"), "99.90")
    checkout_session_record(
        provider="stripe", session_id="cs_test_1", invoice_id=invoice.pk, customer_id=invoice.customer_id,
        amount=Decimal("99.90"), currency="EUR",
    )  # fmt: skip
    return invoice


def _event(session="cs_test_1", *, amount=9990, currency="eur", event_id="evt_1", kind="checkout.session.completed",
           paid="paid"):  # fmt: skip
    return json.dumps({
        "id": event_id, "object": "event", "type": kind, "created": int(time.time()),
        "data": {"object": {"id": session, "object": "checkout.session", "amount_total": amount,
                            "currency": currency, "payment_status": paid, "client_reference_id": "INV"}},
    }).encode()  # fmt: skip


def _send(body, *, secret=SECRET, timestamp=None, header=None):
    header = header or signature_header(secret=secret, body=body, timestamp=timestamp)
    return Client().post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


def test_a_paid_session_settles_its_invoice(invoice):
    answer = _send(_event())
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["outcome"], body["recorded"], body["amount_mismatch"]) == ("relayed", True, "")
    payment = Payment.objects.get()
    assert (payment.pk, payment.amount, payment.currency, payment.reference) == (
        body["payment"], Decimal("99.90"), "EUR", invoice.number,
    )  # fmt: skip
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")
    assert PaymentNotification.objects.get().event_id == "stripe:cs_test_1"


def test_a_bad_signature_is_refused_and_records_nothing(invoice):
    body = _event()
    for header in (
        signature_header(secret="whsec_someone_else", body=body),
        signature_header(secret=SECRET, body=body + b" "),  # another body
        f"t={int(time.time())},v0=abc",  # no v1
        "",
        "t=٣٣٣,v1=00",
        "t=1\x00,v1=00",
    ):
        answer = (
            _send(body, header=header or None)
            if header
            else Client().post(URL, body, content_type="application/json")
        )
        assert answer.status_code == 400, (header, answer.content)
        assert answer.json()["code"].startswith("signature_")
    assert not Payment.objects.exists() and not PaymentNotification.objects.exists()


def test_several_v1_signatures_pass_when_one_matches(invoice):
    body = _event()
    good = signature_header(secret=SECRET, body=body)
    t, v1 = good.split(",")
    assert _send(body, header=f"{t},v1={'0' * 64},{v1},v0=ignored").status_code == 200


def test_an_old_timestamp_is_refused(invoice):
    body = _event()
    answer = _send(body, timestamp=int(time.time()) - 301)
    assert answer.status_code == 400 and answer.json()["code"] == "signature_expired"
    assert _send(body, timestamp=int(time.time()) - 290).status_code == 200  # within 5 minutes
    assert Payment.objects.count() == 1


def test_a_replayed_event_is_acknowledged_and_does_nothing(invoice):
    body = _event()
    first = _send(body).json()
    again = _send(body)  # Stripe retrying, or someone replaying within the tolerance
    assert again.status_code == 200
    assert (again.json()["recorded"], again.json()["payment"]) == (False, first["payment"])
    other_id = _send(_event(event_id="evt_2")).json()  # another event for the same session
    assert (other_id["recorded"], other_id["payment"]) == (False, first["payment"])
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("0.00")


def test_an_unknown_session_is_acknowledged_and_records_nothing(invoice):
    answer = _send(_event(session="cs_not_ours"))
    assert answer.status_code == 200
    assert (answer.json()["outcome"], answer.json()["recorded"], answer.json()["payment"]) == (
        "unknown_session", False, None,
    )  # fmt: skip
    assert not Payment.objects.exists()


def test_a_different_amount_is_the_money_received_and_says_so(invoice):
    answer = _send(_event(amount=5000))
    body = answer.json()
    assert answer.status_code == 200 and body["recorded"] is True
    assert body["amount_mismatch"] == "paid 50.00 EUR, the session asked for 99.90"
    assert Payment.objects.get().amount == Decimal("50.00")
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("49.90"), "partially_paid")


def test_another_currency_is_refused(invoice):
    answer = _send(_event(currency="usd"))
    assert answer.status_code == 400 and "data.object.currency" in answer.json()
    assert not Payment.objects.exists()


def test_other_events_and_unpaid_sessions_are_acknowledged(invoice):
    assert _send(_event(kind="payment_intent.created")).json()["outcome"] == "ignored"
    assert _send(_event(paid="unpaid")).json()["outcome"] == "not_paid"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"id": "evt", "type": "checkout.session.completed", "data": {"object": "x"}}',
     json.dumps({"id": "evt\x00", "type": "x"}).encode(), b"{\"id\": 1}", b"\xff\xfe"],
)  # fmt: skip
def test_odd_bodies_are_400s(invoice, body):
    answer = _send(body)
    assert answer.status_code == 400, answer.content
    assert not Payment.objects.exists()


def test_odd_session_figures_are_400s(invoice):
    for amount in ("9990", 99.9, True, -1, 10**20):
        assert _send(_event(amount=amount)).status_code == 400, amount
    assert not Payment.objects.exists()


def test_without_a_secret_nothing_is_accepted(invoice, settings):
    settings.O2C_STRIPE_WEBHOOK_SECRET = ""
    answer = _send(_event())
    assert answer.status_code == 400 and answer.json()["code"] == "signature_not_configured"


def test_from_the_pay_link_to_the_webhook(settings):
    """The pay page opens a Stripe session (recorded before the redirect); Stripe's event settles."""
    settings.O2C_PAYMENT_PROVIDER, settings.O2C_STRIPE_SECRET_KEY = "stripe", "sk_test_x"
    invoice = an_invoice(a_customer(code="WEB"), "12.34")
    answer = mock.Mock(
        status_code=200, json=lambda: {"id": "cs_live_9", "url": "https://checkout.stripe.com/c/9"}
    )
    with mock.patch("receivables.paynow.providers.requests.post", return_value=answer):
        assert Client().post(f"/pay/{pay_token(invoice.pk)}/").status_code == 302
    assert CheckoutSession.objects.filter(
        session_id="cs_live_9", invoice=invoice, amount=Decimal("12.34")
    ).exists()
    assert _send(_event("cs_live_9", amount=1234)).json()["recorded"] is True
    invoice.refresh_from_db()
    assert invoice.status == "paid"


@pytest.mark.parametrize("created", [10**14, -1, "1700000000", None, 0])
def test_an_odd_event_time_is_a_400_and_records_nothing(invoice, created):
    event = json.loads(_event())
    event["created"] = created
    answer = _send(json.dumps(event).encode())
    assert answer.status_code == 400, answer.content  # 0 is 1970: before the books start
    assert not Payment.objects.exists()


def test_the_schema_says_the_webhook_needs_no_token_but_the_header(api_client_for):
    served = api_client_for("finance", "schema-reader").get("/api/schema/", {"format": "json"}).json()
    webhook = served["paths"]["/api/v1/stripe/webhook/"]["post"]
    assert webhook["security"] == [] and "401" not in webhook["responses"]
    header = next(parameter for parameter in webhook["parameters"] if parameter["name"] == "Stripe-Signature")
    assert (header["in"], header["required"]) == ("header", True)
