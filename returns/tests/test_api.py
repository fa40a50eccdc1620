"""The returns API of API.md: `GET, POST /returns/`, `POST /returns/{id}/receive/`."""

from decimal import Decimal

import pytest

from o2c import pipeline
from returns.models import Return
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def order():
    gadget = a_product(price="20.00", tax_rate="19.00", cost="8.00")
    stock(gadget, "3")
    order = an_order(a_customer(credit_limit="1000.00"), line(gadget, "3"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return order


def _body(order, quantity="1", restock=True):
    return {
        "order": order.pk,
        "lines": [{"order_line": order.lines.get().pk, "quantity": quantity, "restock": restock}],
        "reason": "wrong size",
    }


def test_sales_requests_and_the_warehouse_receives(api_client_for, order):
    sales, warehouse = api_client_for("sales"), api_client_for("warehouse")
    created = sales.post("/api/v1/returns/", _body(order, "2"), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["number"].startswith("RMA-") and body["status"] == "requested"
    assert body["lines"][0]["quantity"] == "2.000" and body["credit_notes"] == []

    assert sales.post(f"/api/v1/returns/{body['id']}/receive/", {}, format="json").status_code == 403
    received = warehouse.post(
        f"/api/v1/returns/{body['id']}/receive/",
        {"lines": [{"order_line": order.lines.get().pk, "quantity": "2", "restock": False}]},
        format="json",
    )
    assert received.status_code == 200, received.json()
    result = received.json()
    assert result["status"] == "received" and len(result["credit_notes"]) == 1
    assert result["lines"][0]["quantity_received"] == "2.000" and result["lines"][0]["restock"] is False

    again = warehouse.post(f"/api/v1/returns/{body['id']}/receive/", {}, format="json")
    assert again.status_code == 409
    listed = api_client_for("finance", "f2").get(f"/api/v1/returns/?order={order.pk}").json()
    assert [row["number"] for row in listed["results"]] == [body["number"]]


def test_roles_and_bad_input(api_client_for, order):
    assert (
        api_client_for("warehouse").post("/api/v1/returns/", _body(order), format="json").status_code == 403
    )
    sales = api_client_for("sales")
    too_many = sales.post("/api/v1/returns/", _body(order, "4"), format="json")
    assert too_many.status_code == 409 and too_many.json()["code"] == "return_exceeds_shipped"
    for body, field in [
        ({**_body(order), "order": "x"}, "order"),
        ({**_body(order), "order": 999999}, "order"),
        ({**_body(order), "lines": []}, "lines"),
        ({**_body(order), "reason": ""}, "reason"),
        ({**_body(order, "-1")}, "lines"),
    ]:
        answer = sales.post("/api/v1/returns/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert not Return.objects.exists()


def test_the_list_runs_a_bounded_number_of_queries(api_client_for, order, django_assert_max_num_queries):
    sales = api_client_for("sales")
    for _ in range(3):
        assert sales.post("/api/v1/returns/", _body(order), format="json").status_code == 201
    with django_assert_max_num_queries(8):
        assert len(sales.get("/api/v1/returns/").json()["results"]) == 3
