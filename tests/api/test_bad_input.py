"""Odd input to the API is a 400 naming the field, never a 500 (issue 11): the probes that found
500s, kept as tests. Each class of input goes through o2c/parsing.py (o2c/api_fields.py)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from customers.models import Customer
from invoicing.models import CreditNote
from o2c.api import known_error_codes
from o2c.signing import signature_header
from receivables.models import Payment
from tests.builders import a_customer, an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db
SECRET = "test-notification-secret"  # o2c/settings_test.py


def _refused(response, field: str | None = None) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    if field:
        assert field in body, body
    assert error_code(response) in known_error_codes(), body  # decision 0038
    return body


@pytest.mark.parametrize("reference", ["²", "٣", "1²", "\x07INV"])
def test_a_credit_note_for_an_invoice_in_odd_digits_is_a_400(api_client_for, reference):
    an_invoice(a_customer(), "100.00")
    response = api_client_for("finance").post(
        "/api/v1/credit-notes/", {"invoice": reference, "reason": "x", "amount": "1.00"}, format="json"
    )
    _refused(response, "invoice")
    assert CreditNote.objects.count() == 0


def _notify(client, raw: bytes, header: str):
    return client.post(
        "/api/v1/payment-notifications/", raw, content_type="application/json", HTTP_X_O2C_SIGNATURE=header
    )


def _event(customer) -> dict:
    return {
        "id": "evt_odd",
        "customer": customer,
        "amount": "10.00",
        "currency": "EUR",
        "reference": "r",
        "received_on": date.today().isoformat(),
    }


@pytest.mark.parametrize("customer", ["²", "٣٣", "9" * 25])
def test_a_payment_notification_for_a_customer_in_odd_digits_is_a_400(client, customer):
    a_customer()
    raw = json.dumps(_event(customer)).encode()
    _refused(_notify(client, raw, signature_header(secret=SECRET, body=raw)), "customer")
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "t=" + "9" * 400 + ",v1=00",  # OverflowError: int too large to convert to float
        "t=١٧٠٠٠٠٠٠٠٠,v1=00",  # Unicode digits int() accepts
        "t=1_700_000_000,v1=00",
        "t={now},v1=é" + "0" * 63,  # TypeError: compare_digest of a non-ASCII str
    ],
)
def test_an_odd_signature_header_is_a_400_to_the_unauthenticated_caller(client, header):
    import time

    raw = json.dumps(_event("1")).encode()
    _refused(_notify(client, raw, header.replace("{now}", str(int(time.time())))), "signature")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/aging/?as_of={day}",
        "/api/v1/reports/dso/?as_of={day}",
        "/api/v1/reports/kpis/?as_of={day}",
        "/api/v1/reports/cash-forecast/?as_of={day}",
        "/api/v1/reports/cash/?start={day}",
        "/api/v1/reports/sales/?end={day}",
        "/api/v1/reports/cycle-times/?start={day}&end={day}",
        "/api/v1/ledger/trial-balance/?as_of={day}",
        "/api/v1/ledger/entries/?from={day}",
        "/api/v1/ledger/entries/?to={day}",
        "/api/v1/customers/{customer}/statement/?from={day}",
        "/api/v1/customers/{customer}/statement/?to={day}",
        "/api/v1/payments/?received_from={day}",
        "/api/v1/dunning/notices/?as_of={day}",
    ],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", "297-07-08"])
def test_report_and_statement_dates_outside_1900_to_2200_are_a_400(api_client_for, url, day):
    customer = a_customer()
    response = api_client_for("finance").get(url.format(day=day, customer=customer.pk))
    _refused(response)


def test_dates_are_written_with_four_digit_years():
    from o2c.api_fields import DateField

    assert serializers.DateField().to_representation(date(297, 7, 8)) == "0297-07-08"
    assert DateField().to_representation(date(297, 7, 8)) == "0297-07-08"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_400(api_client_for, depth):
    raw = '{"customer": ' + "[" * depth + "]" * depth + "}"
    response = api_client_for("sales").post("/api/v1/orders/", raw, content_type="application/json")
    _refused(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/?search=a%00b",
        "/api/v1/products/?search=%00",
        "/api/v1/orders/?number=%00",
        "/api/v1/customers/?ordering=%00",
        "/api/v1/customers/?%00=1",
        "/api/v1/ledger/entries/?account=%00",
        "/api/v1/ledger/entries/?source=%07",
    ],
)
def test_nul_and_control_characters_in_query_parameters_are_a_400(api_client_for, url):
    _refused(api_client_for("manager").get(url))


def test_nul_anywhere_in_a_json_body_is_a_400(api_client_for):
    customer = a_customer()
    body = {"customer": customer.pk, "amount": "1.00", "received_on": "2026-01-05", "method": "bank\u0000"}
    _refused(api_client_for("finance").post("/api/v1/payments/", body, format="json"))


@pytest.mark.parametrize("code", ["AB\x07C", "TAB\tCODE", "NEW\nLINE", "ESC\x1b[0m"])
def test_customer_codes_with_control_characters_are_refused(api_client_for, code):
    body = {"code": code, "name": "Odd", "email": "odd@example.com"}
    _refused(api_client_for("sales").post("/api/v1/customers/", body, format="json"), "code")
    assert not Customer.objects.filter(name="Odd").exists()


@pytest.mark.parametrize(
    "query", ["customer=²", "customer=٣", "customer=-1", "customer=99999999999999999999999", "customer=1.5"]
)
def test_filters_by_id_take_ascii_ids_only(api_client_for, query):
    a_customer()
    _refused(api_client_for("finance").get(f"/api/v1/invoices/?{query}"), "customer")


@pytest.mark.parametrize("quantity", ["²", "NaN", "Infinity", "1e30", "0.0001", 0.0001])
def test_quantities_go_through_parsing(api_client_for, quantity):
    response = api_client_for("sales").post(
        "/api/v1/orders/",
        {"customer": a_customer().pk, "lines": [{"product": 1, "quantity": quantity}]},
        format="json",
    )
    assert response.status_code == 400 and "lines" in response.json()


@pytest.mark.parametrize("amount", ["²", "NaN", "-Infinity", "1e3", "10000000000.00", "1.001", 12.345, True])
def test_amounts_go_through_parsing(api_client_for, amount):
    body = {"customer": a_customer().pk, "amount": amount, "received_on": "2026-01-05"}
    _refused(api_client_for("finance").post("/api/v1/payments/", body, format="json"), "amount")
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("delivered_at", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_delivery_time_outside_the_supported_years_is_a_400(api_client_for, delivered_at):
    from fulfillment.api.serializers import DeliverIn

    body = DeliverIn(data={"delivered_at": delivered_at})
    assert not body.is_valid() and "delivered_at" in body.errors


def test_a_nul_in_the_idempotency_key_is_a_400(api_client_for):
    client = api_client_for("finance")
    response = client.post(
        "/api/v1/payments/",
        {"customer": a_customer().pk, "amount": "1.00", "received_on": "2026-01-05"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key\x07",
    )
    _refused(response, "Idempotency-Key")


def test_unauthenticated_odd_input_is_still_a_401_or_400():
    assert APIClient().get("/api/v1/customers/?search=%00").status_code in (400, 401)


def test_a_json_number_is_read_as_the_decimal_it_spells(api_client_for):
    """`12.5` in a JSON body is never a float: it reaches the amount field as Decimal("12.5"), and
    a number with more decimals than the column is refused naming the field, not rounded."""
    from o2c.api_fields import JSONParser

    parsed = JSONParser().parse(io.BytesIO(b'{"amount": 0.1, "big": 1e400, "n": 3}'))
    assert parsed == {"amount": Decimal("0.1"), "big": Decimal("1e400"), "n": 3}
    assert isinstance(parsed["amount"], Decimal)
