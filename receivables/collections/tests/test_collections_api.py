"""The collections API of API.md: promises (list, make, read, cancel) and activities, for finance
and managers only; bad input is a 400 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from receivables.collections.models import Activity, Promise
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


def soon(n=3):
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def finance(api_client_for):
    return api_client_for("finance")


def test_a_promise_made_read_listed_and_cancelled(finance):
    customer = a_customer()
    invoice = an_invoice(customer, "250.00")
    body = {
        "customer": customer.pk,
        "invoices": [invoice.pk],
        "amount": "200.00",
        "promised_on": soon(),
        "note": "CFO",
    }
    made = finance.post("/api/v1/promises/", body, format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert {
        k: data[k] for k in ("customer", "invoices", "amount", "currency", "promised_on", "status", "paid")
    } == {
        "customer": customer.pk,
        "invoices": [invoice.pk],
        "amount": "200.00",
        "currency": customer.currency,
        "promised_on": soon(),
        "status": "open",
        "paid": "0.00",
    }
    assert finance.get(f"/api/v1/promises/{data['id']}/").json()["id"] == data["id"]
    listed = finance.get(f"/api/v1/promises/?customer={customer.pk}&status=open").json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    cancelled = finance.post(
        f"/api/v1/promises/{data['id']}/cancel/", {"reason": "paid by cheque"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = finance.post(f"/api/v1/promises/{data['id']}/cancel/", {}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "1e999"}, "amount"),
        ({"promised_on": "2026-02-30"}, "promised_on"),
        ({"promised_on": "9999-01-01"}, "promised_on"),
        ({"customer": 99999999}, "customer"),
        ({"invoices": ["x"]}, "invoices"),
        ({"note": "a\x07b"}, "note"),
        ({"amount": "999.00"}, "amount"),  # more than is open
    ],
)
def test_bad_promises_are_refused_naming_the_field(finance, change, field):
    customer = a_customer()
    invoice = an_invoice(customer, "250.00")
    body = {
        "customer": customer.pk,
        "invoices": [invoice.pk],
        "amount": "200.00",
        "promised_on": soon(),
    } | change
    refused = finance.post("/api/v1/promises/", body, format="json")
    assert refused.status_code == 400, refused.content
    assert field in refused.json()
    assert not Promise.objects.exists()


def test_activities_logged_and_listed_by_customer(finance):
    customer, other = a_customer(), a_customer()
    body = {"customer": customer.pk, "kind": "call", "note": "Promised Friday", "follow_up_on": soon(2)}
    logged = finance.post("/api/v1/collections/activities/", body, format="json")
    assert logged.status_code == 201, logged.content
    assert logged.json()["created_by"] == "finance-user"
    finance.post(
        "/api/v1/collections/activities/", {"customer": other.pk, "kind": "note", "note": "x"}, format="json"
    )
    listed = finance.get(f"/api/v1/collections/activities/?customer={customer.pk}").json()
    assert [(row["kind"], row["follow_up_on"]) for row in listed["results"]] == [("call", soon(2))]
    refused = finance.post("/api/v1/collections/activities/", body | {"kind": "fax"}, format="json")
    assert refused.status_code == 400 and "kind" in refused.json()
    assert Activity.objects.count() == 2


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_only_finance_and_managers_collect(api_client_for, role):
    client = api_client_for(role)
    assert client.get("/api/v1/promises/").status_code == 403
    assert client.get("/api/v1/collections/activities/").status_code == 403
    assert api_client_for("manager", "boss").get("/api/v1/promises/").status_code == 200
