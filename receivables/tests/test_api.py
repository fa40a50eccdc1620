"""The cash API of API.md: payments, apply, reverse, refund, disputes, write-offs, notifications."""

import json
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from o2c.signing import signature_header
from receivables.models import Payment, PaymentNotification
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice
from tests.errors import error_code

pytestmark = pytest.mark.django_db
SECRET = "test-notification-secret"  # o2c/settings_test.py


@pytest.fixture
def finance(api_client_for):
    return api_client_for("finance")


def test_record_a_payment_auto_applied_and_read_it_back(finance):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    today = timezone.localdate().isoformat()
    response = finance.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "130.00",
            "method": "bank_transfer",
            "reference": invoice.number,
            "received_on": today,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("PAY-") and body["unapplied_amount"] == "30.00"
    assert (
        body["allocations"][0]["invoice_number"] == invoice.number
        and body["allocations"][0]["amount"] == "100.00"
    )
    replay = finance.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "130.00",
            "method": "bank_transfer",
            "reference": invoice.number,
            "received_on": today,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    assert finance.get("/api/v1/payments/?unapplied=true").json()["count"] == 1
    assert finance.get(f"/api/v1/invoices/{invoice.pk}/").json()["status"] == "paid"
    assert finance.get(f"/api/v1/customers/{customer.pk}/").json()["unapplied_cash"] == "30.00"


def test_explicit_allocations_apply_reverse_and_refund(finance):
    customer = a_customer()
    first, second = an_invoice(customer, "100.00"), an_invoice(customer, "50.00")
    today = timezone.localdate().isoformat()
    payment = finance.post(
        "/api/v1/payments/",
        {
            "customer": customer.pk,
            "amount": "120.00",
            "reference": "wire",
            "received_on": today,
            "allocations": [{"invoice": second.pk, "amount": "50.00"}],
        },
        format="json",
    ).json()
    assert payment["unapplied_amount"] == "70.00"
    applied = finance.post(
        f"/api/v1/payments/{payment['id']}/apply/",
        {"allocations": [{"invoice": first.pk, "amount": "60.00"}]},
        format="json",
    )
    assert applied.status_code == 200 and applied.json()["unapplied_amount"] == "10.00"
    over = finance.post(
        f"/api/v1/payments/{payment['id']}/apply/",
        {"allocations": [{"invoice": first.pk, "amount": "40.00"}]},
        format="json",
    )
    assert over.status_code == 409 and error_code(over) == "exceeds_unapplied"
    refund = finance.post(
        f"/api/v1/payments/{payment['id']}/refund/", {"amount": "10.00", "reason": "asked"}, format="json"
    )
    assert refund.status_code == 200 and refund.json()["amount_refunded"] == "10.00"
    assert_books_in_step()


def test_reverse_a_bounced_payment(finance):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    today = timezone.localdate().isoformat()
    payment = finance.post(
        "/api/v1/payments/",
        {"customer": customer.pk, "amount": "100.00", "received_on": today},
        format="json",
    ).json()
    response = finance.post(
        f"/api/v1/payments/{payment['id']}/reverse/", {"reason": "bounced"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "reversed"
    assert response.json()["allocations"][0]["reversed_on"] == today
    assert finance.get(f"/api/v1/invoices/{invoice.pk}/").json()["balance"] == "100.00"
    again = finance.post(f"/api/v1/payments/{payment['id']}/reverse/", {"reason": "again"}, format="json")
    assert again.status_code == 409 and error_code(again) == "payment_reversed"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"amount": "10.00", "received_on": "2026-01-01"}, "customer", "required"),
        ({"customer": 999999, "amount": "10.00", "received_on": "2026-01-01"}, "customer", "does_not_exist"),
        ({"customer": "X", "amount": "-1", "received_on": "2026-01-01"}, "amount", "out_of_range"),
        ({"customer": "X", "amount": "ten", "received_on": "2026-01-01"}, "amount", "invalid_number"),
        ({"customer": "X", "amount": "10.00", "received_on": "yesterday"}, "received_on", "invalid_date"),
        (
            {"customer": "X", "amount": "10.00", "received_on": "2026-01-01", "method": "gold"},
            "method",
            "invalid_choice",
        ),
        (
            {
                "customer": "X",
                "amount": "10.00",
                "received_on": "2026-01-01",
                "allocations": [{"invoice": 999999, "amount": "5.00"}],
            },
            "allocations",
            "invoice_of_other_customer",
        ),
        (
            {
                "customer": "X",
                "amount": "10.00",
                "received_on": "2026-01-01",
                "allocations": [{"invoice": "abc"}],
            },
            "allocations",
            "invalid_id",
        ),
    ],
)
def test_bad_payments_get_400_naming_the_field(finance, body, field, code):
    customer = a_customer()
    body = {key: (customer.pk if value == "X" else value) for key, value in body.items()}
    response = finance.post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert error_code(response) == code
    assert Payment.objects.count() == 0


def test_a_duplicate_is_refused_until_confirmed(finance):
    customer = a_customer()
    body = {"customer": customer.pk, "amount": "10.00", "reference": "R1", "received_on": "2026-01-02"}
    assert finance.post("/api/v1/payments/", body, format="json").status_code == 201
    refused = finance.post("/api/v1/payments/", body, format="json")
    assert refused.status_code == 400 and "confirm_duplicate" in refused.json()
    assert error_code(refused) == "duplicate_payment"
    assert (
        finance.post("/api/v1/payments/", {**body, "confirm_duplicate": True}, format="json").status_code
        == 201
    )


def test_disputes_and_write_offs_by_role(api_client_for, finance):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    opened = finance.post(
        "/api/v1/disputes/",
        {"invoice": invoice.pk, "amount": "25.00", "reason": "damaged", "note": "box"},
        format="json",
    )
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    assert finance.get(f"/api/v1/invoices/{invoice.pk}/").json()["disputed_amount"] == "25.00"
    assert finance.get("/api/v1/disputes/?status=open").json()["count"] == 1
    resolved = finance.post(
        f"/api/v1/disputes/{opened.json()['id']}/resolve/",
        {"outcome": "credit_note", "note": "ok"},
        format="json",
    )
    assert resolved.status_code == 200 and resolved.json()["credit_note_number"].startswith("CN-")
    assert finance.get(f"/api/v1/invoices/{invoice.pk}/").json()["balance"] == "75.00"

    body = {"invoice": invoice.pk, "amount": "75.00", "reason": "insolvent"}
    assert finance.post("/api/v1/write-offs/", body, format="json").status_code == 403
    assert api_client_for("sales", "s1").post("/api/v1/disputes/", {}, format="json").status_code == 403
    assert api_client_for("sales", "s2").get("/api/v1/payments/").status_code == 403
    manager = api_client_for("manager")
    written = manager.post("/api/v1/write-offs/", body, format="json")
    assert written.status_code == 201 and written.json()["amount"] == "75.00"
    assert finance.get(f"/api/v1/invoices/{invoice.pk}/").json()["status"] == "written_off"
    assert_books_in_step()


def test_the_payment_list_runs_a_bounded_number_of_queries(finance, django_assert_max_num_queries):
    for _ in range(6):
        customer = a_customer()
        an_invoice(customer, "10.00")
        finance.post(
            "/api/v1/payments/",
            {"customer": customer.pk, "amount": "15.00", "received_on": "2026-01-01"},
            format="json",
        )
    with django_assert_max_num_queries(6):
        response = finance.get("/api/v1/payments/")
    assert response.json()["count"] == 6


# ── inbound payment notifications ─────────────────────────────────────────────────────────────


def notify(client, event: dict, *, secret=SECRET, timestamp=None, header=None):
    raw = json.dumps(event).encode()
    signature = (
        header if header is not None else signature_header(secret=secret, body=raw, timestamp=timestamp)
    )
    return client.post(
        "/api/v1/payment-notifications/", raw, content_type="application/json", HTTP_X_O2C_SIGNATURE=signature
    )


def an_event(customer, event_id="evt_1", amount="100.00"):
    return {
        "id": event_id,
        "customer": customer.pk,
        "amount": amount,
        "currency": customer.currency,
        "reference": "order 77",
        "received_on": timezone.localdate().isoformat(),
    }


def test_a_notification_records_one_payment_however_often_it_comes(client):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    first = notify(client, an_event(customer))
    assert first.status_code == 201, first.content
    assert first.json()["recorded"] is True
    again = notify(client, an_event(customer))
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert again.json()["payment"] == first.json()["payment"]
    assert Payment.objects.count() == 1 and PaymentNotification.objects.count() == 1
    payment = Payment.objects.get()
    assert payment.source == "notification" and payment.allocations.get().invoice_id == invoice.pk
    other = notify(client, an_event(customer, "evt_2"))  # another event, same money: another payment
    assert other.status_code == 201 and Payment.objects.count() == 2


def test_a_wrong_or_stale_signature_is_refused_and_records_nothing(client):
    customer = a_customer()
    wrong = notify(client, an_event(customer), secret="not-the-secret")
    assert wrong.status_code == 400 and "signature" in wrong.json()
    assert error_code(wrong) == "signature_mismatch"
    stale = notify(client, an_event(customer), timestamp=int(time.time()) - 301)
    assert stale.status_code == 400 and "signature" in stale.json()
    assert error_code(stale) == "signature_expired"
    future = notify(client, an_event(customer), timestamp=int(time.time()) + 400)
    assert future.status_code == 400 and error_code(future) == "signature_expired"
    missing = notify(client, an_event(customer), header="")
    assert missing.status_code == 400 and "signature" in missing.json()
    assert error_code(missing) == "signature_missing"
    raw = json.dumps(an_event(customer)).encode()
    tampered = client.post(
        "/api/v1/payment-notifications/",
        raw.replace(b"100.00", b"900.00"),
        content_type="application/json",
        HTTP_X_O2C_SIGNATURE=signature_header(secret=SECRET, body=raw),
    )
    assert tampered.status_code == 400 and error_code(tampered) == "signature_mismatch"
    assert Payment.objects.count() == 0 and PaymentNotification.objects.count() == 0


def test_a_signed_but_invalid_event_names_the_field(client):
    customer = a_customer()
    bad_currency = notify(client, {**an_event(customer), "currency": "JPY"})
    assert bad_currency.status_code == 400 and "currency" in bad_currency.json()
    assert error_code(bad_currency) == "currency_mismatch"
    unknown = notify(client, {**an_event(customer), "customer": "NOPE"})
    assert unknown.status_code == 400 and "customer" in unknown.json()
    assert error_code(unknown) == "does_not_exist"
    no_amount = notify(client, {key: v for key, v in an_event(customer).items() if key != "amount"})
    assert no_amount.status_code == 400 and "amount" in no_amount.json()
    assert error_code(no_amount) == "required"
    assert Payment.objects.count() == 0 and PaymentNotification.objects.count() == 0
    assert notify(client, an_event(customer)).status_code == 201  # the same id later, valid: recorded


def test_the_schema_documents_the_cash_endpoints(finance):
    schema = finance.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/payments/",
        "/api/v1/payments/{id}/reverse/",
        "/api/v1/disputes/{id}/resolve/",
        "/api/v1/write-offs/",
        "/api/v1/payment-notifications/",
    ):
        assert path in schema["paths"], path
    assert Decimal("1") == 1


@pytest.mark.parametrize("role", ["warehouse", "sales"])
def test_a_dispute_owner_must_be_finance(api_client_for, make_user, finance, role):
    # Issue 11: a warehouse user was accepted as a dispute's owner.
    invoice = an_invoice(a_customer(), "100.00")
    outsider = make_user(role, f"{role}-owner")
    body = {"invoice": invoice.pk, "amount": "25.00", "reason": "damaged", "owner": outsider.pk}
    refused = finance.post("/api/v1/disputes/", body, format="json")
    assert refused.status_code == 400 and "owner" in refused.json()
    assert error_code(refused) == "owner_not_finance"
    assert finance.get("/api/v1/disputes/").json()["count"] == 0


@pytest.mark.parametrize("role", ["finance", "manager", "admin"])
def test_a_finance_or_manager_user_may_own_a_dispute(api_client_for, make_user, finance, role):
    invoice = an_invoice(a_customer(), "100.00")
    owner = make_user(role, f"{role}-owner")
    body = {"invoice": invoice.pk, "amount": "25.00", "reason": "damaged", "owner": owner.pk}
    opened = finance.post("/api/v1/disputes/", body, format="json")
    assert opened.status_code == 201 and opened.json()["owner"] == owner.username


@pytest.mark.parametrize("amount", ["10000000000.00", "999999999999999.99"])
def test_payments_and_write_offs_beyond_the_amount_bound_are_a_400(api_client_for, finance, amount):
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    body = {"customer": customer.pk, "amount": amount, "reference": "R1", "received_on": "2026-01-02"}
    paid = finance.post("/api/v1/payments/", body, format="json")
    assert paid.status_code == 400 and "amount" in paid.json() and error_code(paid) == "out_of_range"
    manager = api_client_for("manager")
    written = manager.post(
        "/api/v1/write-offs/", {"invoice": invoice.pk, "amount": amount, "reason": "x"}, format="json"
    )
    assert written.status_code == 400 and "amount" in written.json() and error_code(written) == "out_of_range"
    assert not Payment.objects.exists()
