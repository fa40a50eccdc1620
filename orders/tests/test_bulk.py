"""`POST /orders/bulk/` (decision 0047): each item placed as `POST /orders/` would, in its own
transaction, with its own result."""

from __future__ import annotations

import pytest

from credit.models import CreditDecision
from inventory.models import StockLevel
from o2c.api_bulk import MAX_ITEMS
from orders.models import OrderEvent, SalesOrder, SalesOrderLine
from tests.builders import a_customer, a_product, a_warehouse, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db

BULK = "/api/v1/orders/bulk/"


@pytest.fixture
def product():
    a_warehouse()
    widget = a_product(sku="WID", price="10.00", tax_rate="19.00")
    stock(widget, "1000")
    return widget


def an_item(customer, product, quantity="1", **extra):
    return {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": quantity}], **extra}


def test_mixed_items_each_get_the_answer_the_single_call_would_give(api_client_for, product):
    client = api_client_for("sales")
    customer = a_customer(credit_limit="100000.00")
    items = [
        an_item(customer, product, "2", submit=True, customer_reference="PO-1"),
        an_item(customer, product, "-1"),
        {"customer": 999999, "lines": [{"product": product.pk, "quantity": "1"}]},
        {"lines": []},
        an_item(customer, product, "3", customer_reference="PO-2"),
    ]
    response = client.post(BULK, {"items": items}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["failed"]) == (2, 3)
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]
    assert [r["status"] for r in body["results"]] == [201, 400, 400, 400, 201]

    # each result is what the single endpoint answers for the same body
    for result, item in zip(body["results"], items, strict=True):
        single = client.post("/api/v1/orders/", item, format="json")
        assert single.status_code == result["status"]
        if result["status"] == 201:
            assert result["body"]["status"] == single.json()["status"]
            assert result["body"]["total"] == single.json()["total"]
        else:
            assert result["body"] == single.json()
            assert result["body"]["code"]
    first = body["results"][0]["body"]
    assert first["status"] == "open" and first["customer_reference"] == "PO-1"
    assert client.get(f"/api/v1/orders/{first['id']}/").json() == first
    assert "lines" in body["results"][1]["body"] and body["results"][1]["body"]["code"] == "out_of_range"
    assert "customer" in body["results"][2]["body"]
    assert set(body["results"][3]["body"]) >= {"customer", "lines", "code"}
    assert SalesOrder.objects.filter(customer_reference__in=["PO-1", "PO-2"]).count() == 4  # bulk + single


def test_a_failing_item_leaves_nothing_half_written(api_client_for, product, monkeypatch):
    """The second item fails in allocation, after its draft, its credit decision and its status
    change were written: all of that is rolled back; the items around it are kept."""
    from o2c.pipeline import order as order_phase

    real_allocate = order_phase.fulfillment.order_allocate

    def allocate(*, order):
        if order.customer_reference == "FAILS":
            from o2c.errors import Conflict, KernelErrorCode

            raise Conflict("allocation failed for the test", code=KernelErrorCode.CONCURRENT_CHANGE)
        return real_allocate(order=order)

    monkeypatch.setattr(order_phase.fulfillment, "order_allocate", allocate)
    customer = a_customer(credit_limit="100000.00")
    items = [
        an_item(customer, product, "1", submit=True, customer_reference="KEPT-1"),
        an_item(customer, product, "5", submit=True, customer_reference="FAILS"),
        an_item(customer, product, "1", submit=True, customer_reference="KEPT-2"),
    ]
    body = api_client_for("sales").post(BULK, {"items": items}, format="json").json()
    assert [r["status"] for r in body["results"]] == [201, 409, 201]
    assert body["results"][1]["body"]["code"] == "concurrent_change"
    assert list(SalesOrder.objects.values_list("customer_reference", flat=True).order_by("id")) == [
        "KEPT-1",
        "KEPT-2",
    ]
    assert SalesOrderLine.objects.count() == 2
    assert CreditDecision.objects.count() == 2
    assert not OrderEvent.objects.exclude(order__customer_reference__in=["KEPT-1", "KEPT-2"]).exists()
    assert StockLevel.objects.get(product=product).reserved == 2


def test_a_bug_in_one_item_is_that_items_500_and_the_others_still_run(api_client_for, product, monkeypatch):
    from o2c.pipeline import order as order_phase

    real_allocate = order_phase.fulfillment.order_allocate

    def allocate(*, order):
        if order.customer_reference == "BUG":
            raise RuntimeError("a bug")
        return real_allocate(order=order)

    monkeypatch.setattr(order_phase.fulfillment, "order_allocate", allocate)
    customer = a_customer(credit_limit="100000.00")
    items = [an_item(customer, product, submit=True, customer_reference=ref) for ref in ("A", "BUG", "B")]
    response = api_client_for("sales").post(BULK, {"items": items}, format="json")
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [201, 500, 201]
    assert response.json()["results"][1]["body"]["code"] == "error"
    assert sorted(SalesOrder.objects.values_list("customer_reference", flat=True)) == ["A", "B"]


def test_up_to_500_items_are_taken_and_501_refused(api_client_for, product):
    client = api_client_for("sales")
    customer = a_customer(credit_limit="100000.00")
    too_many = client.post(BULK, {"items": [an_item(customer, product)] * (MAX_ITEMS + 1)}, format="json")
    assert too_many.status_code == 400
    assert "items" in too_many.json() and error_code(too_many) == "max_length"
    assert not SalesOrder.objects.exists()

    response = client.post(BULK, {"items": [an_item(customer, product)] * MAX_ITEMS}, format="json")
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["failed"]) == (MAX_ITEMS, 0)
    assert SalesOrder.objects.count() == MAX_ITEMS
    assert len({r["body"]["number"] for r in response.json()["results"]}) == MAX_ITEMS


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"items": []}, "empty"),
        ({"items": ["not an order"]}, "not_a_dict"),
        ({"items": "everything"}, "not_a_list"),
        ({}, "required"),
    ],
)
def test_a_bad_envelope_is_refused_naming_items(api_client_for, payload, code):
    response = api_client_for("sales").post(BULK, payload, format="json")
    assert response.status_code == 400
    assert "items" in response.json() and error_code(response) == code


@pytest.mark.parametrize(
    ("role", "allowed"), [("sales", True), ("manager", True), ("finance", False), ("warehouse", False)]
)
def test_roles_are_those_of_the_single_endpoint(api_client_for, product, role, allowed):
    customer = a_customer(credit_limit="100000.00")
    response = api_client_for(role).post(BULK, {"items": [an_item(customer, product)]}, format="json")
    assert response.status_code == (200 if allowed else 403)
    assert SalesOrder.objects.exists() is allowed


def test_no_token_is_refused(client):
    assert client.post(BULK, {"items": []}, content_type="application/json").status_code == 401


def test_idempotency_key_replays_the_batch(api_client_for, product):
    client = api_client_for("sales")
    customer = a_customer(credit_limit="100000.00")
    payload = {
        "items": [
            an_item(customer, product, "1"),
            an_item(customer, product, "0"),
            an_item(customer, product),
        ]
    }
    first = client.post(BULK, payload, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == 200 and first.json()["created"] == 2
    again = client.post(BULK, payload, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert SalesOrder.objects.count() == 2
    other = client.post(BULK, {"items": payload["items"][:1]}, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert other.status_code == 422


# Queries of one submitted order placed through the bulk endpoint (39 when written: the savepoint,
# the checks, the draft, the credit check under the customer's lock, the allocation, the events,
# the answer read back) and of the request around the items (token, user, roles).
QUERIES_PER_ITEM = 45
QUERIES_PER_REQUEST = 10


def test_queries_per_item_are_bounded(api_client_for, product, django_assert_max_num_queries):
    """The queries grow by a bounded number per item, whatever the batch size (no N+1 inside an
    item, nothing re-read per batch for each item)."""
    client = api_client_for("sales")
    customer = a_customer(credit_limit="100000.00")
    for count in (1, 20):
        items = [an_item(customer, product, submit=True) for _ in range(count)]
        with django_assert_max_num_queries(QUERIES_PER_REQUEST + count * QUERIES_PER_ITEM):
            assert client.post(BULK, {"items": items}, format="json").json()["created"] == count
