"""The quotation and price list API of API.md (Commercial documents): each endpoint, the roles,
bad input (a 400 naming the field, never a 500) and state conflicts (409)."""

from decimal import Decimal

import pytest

from pricing.services import ItemInput, price_list_create
from tests.builders import a_customer, a_product, a_warehouse, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db

QUOTATIONS = "/api/v1/quotations/"
PRICE_LISTS = "/api/v1/price-lists/"


@pytest.fixture
def widget():
    a_warehouse()
    product = a_product(price="10.00", tax_rate="19.00")
    stock(product, "50")
    return product


def test_quotation_round_trip(api_client_for, widget, django_capture_on_commit_callbacks):
    client = api_client_for("sales")
    customer = a_customer(credit_limit="1000.00")
    created = client.post(
        QUOTATIONS,
        {
            "customer": customer.pk,
            "valid_until": "2200-01-01",
            "lines": [
                {"product": widget.pk, "quantity": "3"},
                {"product": widget.pk, "quantity": "1", "unit_price": "8.00"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("QT-") and body["status"] == "draft" and body["order"] is None
    assert [(row["unit_price"], row["price_source"]) for row in body["lines"]] == [
        ("10.00", "product"),
        ("8.00", "manual"),
    ]
    # 30.00 + 8.00 = 38.00 net; tax 5.70 + 1.52 = 7.22
    assert (body["net_total"], body["tax_total"], body["total"]) == ("38.00", "7.22", "45.22")
    url = f"{QUOTATIONS}{body['id']}/"

    patched = client.patch(url, {"customer_reference": "RFQ-9"}, format="json")
    assert patched.status_code == 200 and patched.json()["customer_reference"] == "RFQ-9"
    assert client.get(f"{url}pdf/").content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=False):
        sent = client.post(f"{url}send/", format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert client.patch(url, {"customer_reference": "late"}, format="json").status_code == 409

    accepted = client.post(f"{url}accept/", format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["order_status"] == "open"
    order = client.get(f"/api/v1/orders/{accepted.json()['order']}/").json()
    assert order["total"] == "45.22" and [row["price_source"] for row in order["lines"]] == [
        "product",
        "manual",
    ]
    again = client.post(f"{url}accept/", format="json")
    assert again.status_code == 409 and error_code(again) == "invalid_transition"
    events = client.get(f"{url}events/").json()
    assert [event["event"] for event in events] == ["created", "edited", "sent", "accepted"]
    listed = client.get(QUOTATIONS, {"status": "accepted"}).json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]


def test_decline_with_a_reason(api_client_for, widget):
    client = api_client_for("manager")
    created = client.post(
        QUOTATIONS,
        {"customer": a_customer().pk, "lines": [{"product": widget.pk, "quantity": "1"}]},
        format="json",
    ).json()
    url = f"{QUOTATIONS}{created['id']}/decline/"
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    declined = client.post(url, {"reason": "too expensive"}, format="json")
    assert declined.json()["status"] == "declined" and declined.json()["decline_reason"] == "too expensive"


@pytest.mark.parametrize("role", ["warehouse", "finance"])
def test_only_sales_and_managers_quote(api_client_for, widget, role):
    body = {"customer": a_customer().pk, "lines": [{"product": widget.pk, "quantity": "1"}]}
    client = api_client_for(role)
    assert client.post(QUOTATIONS, body, format="json").status_code == 403
    assert client.get(QUOTATIONS).status_code == 403


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"valid_until": "tomorrow"}, "valid_until"),
        ({"customer": 999999}, "customer"),
        ({"lines": []}, "lines"),
        ({"lines": [{"product": "x", "quantity": "1"}]}, "lines"),
        ({"lines": [{"product": 999999, "quantity": "1"}]}, "lines"),
        ({"currency": "USD"}, "currency"),
        ({"requested_delivery_date": "2001-01-01"}, "requested_delivery_date"),
    ],
)
def test_bad_quotation_input_names_the_field(api_client_for, widget, extra, field):
    body = {"customer": a_customer().pk, "lines": [{"product": widget.pk, "quantity": "1"}], **extra}
    response = api_client_for("sales").post(QUOTATIONS, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_price_lists_for_managers(api_client_for, widget):
    manager = api_client_for("manager")
    body = {
        "name": "Dealers",
        "currency": "EUR",
        "valid_from": "2026-01-01",
        "items": [{"product": widget.pk, "min_quantity": "10", "unit_price": "9.50"}],
    }
    assert api_client_for("sales").post(PRICE_LISTS, body, format="json").status_code == 403
    assert api_client_for("sales", "s2").get(PRICE_LISTS).status_code == 403
    created = manager.post(PRICE_LISTS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["items"][0]["min_quantity"] == "10.000" and created.json()["valid_to"] is None
    url = f"{PRICE_LISTS}{created.json()['id']}/"
    patched = manager.patch(
        url,
        {
            "items": [
                {"product": widget.pk, "unit_price": "9.90"},
                {"product": widget.pk, "min_quantity": "10", "unit_price": "9.50"},
            ]
        },
        format="json",
    )
    assert patched.status_code == 200
    assert [(i["min_quantity"], i["unit_price"]) for i in patched.json()["items"]] == [
        ("0.000", "9.90"),
        ("10.000", "9.50"),
    ]
    assert manager.get(PRICE_LISTS, {"currency": "EUR"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"currency": "EUR"}, "name"),
        ({"name": "X", "currency": "euro"}, "currency"),
        ({"name": "X", "currency": "EUR", "valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "valid_to"),
        ({"name": "X", "currency": "EUR", "items": [{"product": 999999, "unit_price": "1"}]}, "items"),
        ({"name": "X", "currency": "EUR", "items": [{"product": 1, "unit_price": "-1"}]}, "items"),
        ({"name": "X", "currency": "EUR", "items": "nope"}, "items"),
    ],
)
def test_bad_price_list_input_names_the_field(api_client_for, widget, body, field):
    response = api_client_for("manager").post(PRICE_LISTS, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_only_a_manager_gives_a_customer_its_price_list(api_client_for, widget):
    dealers = price_list_create(
        name="Dealers", currency="EUR", items=[ItemInput(widget.pk, Decimal("0"), Decimal("9"))]
    )
    customer = a_customer()
    url = f"/api/v1/customers/{customer.pk}/"
    refused = api_client_for("sales").patch(url, {"price_list": dealers.pk}, format="json")
    assert refused.status_code == 403 and "price_list" in refused.json()
    missing = api_client_for("manager").patch(url, {"price_list": 999999}, format="json")
    assert missing.status_code == 400 and "price_list" in missing.json()
    given = api_client_for("manager", "m2").patch(url, {"price_list": dealers.pk}, format="json")
    assert given.status_code == 200 and given.json()["price_list"] == dealers.pk
    order = api_client_for("sales", "s3").post(
        "/api/v1/orders/",
        {"customer": customer.pk, "lines": [{"product": widget.pk, "quantity": "2"}]},
        format="json",
    )
    assert (
        order.json()["lines"][0]["unit_price"] == "9.00"
        and order.json()["lines"][0]["price_source"] == "price_list"
    )
