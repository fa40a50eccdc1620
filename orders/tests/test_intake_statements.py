"""The statements of the intake request (`POST /api/v1/orders/`, three lines, `submit: true`, with
an Idempotency-Key, customer notifications on, audit, numbering, credit rules and events): a
fixed number, the same for a customer with one open order as for one with many (decision 0050:
the credit check reads the kept exposure, never the customer's history). Timings are never
asserted; bench/intake_profile.py measures them."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2c.roles import SALES
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock

# 52 before decision 0050, 33 after it, 34 with the credit check's risk rule (decision 0067: the
# threshold and the stored score, one read); 21 after decision 0068 (here the test's SAVEPOINT and
# RELEASE stand for BEGIN and COMMIT). Issue 14's target is at most 20 per order.
INTAKE_STATEMENTS = 21
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def notifications_on(settings):
    settings.O2C_CUSTOMER_NOTIFICATIONS = True


@pytest.fixture
def catalogue():
    goods = [a_product(price="10.00"), a_product(price="4.50")]
    for product in goods:
        stock(product, "1000")
    return goods, a_product(price="80.00", kind="service", cost="0")


def _post(client, customer, goods, service):
    body = {
        "customer": customer.pk,
        "warehouse": a_warehouse().pk,
        "submit": True,
        "lines": [
            {"product": goods[0].pk, "quantity": "2"},
            {"product": goods[1].pk, "quantity": "1"},
            {"product": service.pk, "quantity": "1"},
        ],
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"k{next(_keys)}")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "open"
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_intake_takes_a_fixed_number_of_statements_whatever_the_customer_has_open(api_client_for, catalogue):
    goods, service = catalogue
    client = api_client_for(SALES)
    new, busy = a_customer(credit_limit="100000.00"), a_customer(credit_limit="100000.00")
    for _ in range(12):
        an_order(busy, line(goods[0], "1"), line(service, "1"), submit=True)
    _post(client, new, goods, service)  # first calls of the process (caches) are not the steady state
    one = _post(client, new, goods, service)
    many = _post(client, busy, goods, service)
    assert len(one) == len(many), "\n".join(many)
    assert len(one) <= INTAKE_STATEMENTS, "\n".join(one)


@pytest.mark.django_db
def test_the_answer_to_an_order_placed_is_the_order_as_read_again(api_client_for, catalogue):
    """The answer built from the objects in hand is the one the order's GET gives."""
    goods, service = catalogue
    client = api_client_for(SALES)
    customer = a_customer(credit_limit="100000.00")
    body = {
        "customer": customer.pk,
        "submit": True,
        "lines": [{"product": goods[0].pk, "quantity": "2"}, {"product": service.pk, "quantity": "1"}],
    }
    placed = client.post("/api/v1/orders/", body, format="json").json()
    assert placed == client.get(f"/api/v1/orders/{placed['id']}/").json()
    held = a_customer(credit_limit="1.00")
    body["customer"] = held.pk
    placed = client.post("/api/v1/orders/", body, format="json").json()
    assert placed["status"] == "on_hold"
    assert placed == client.get(f"/api/v1/orders/{placed['id']}/").json()
    body.update(customer=customer.pk, submit=False)
    draft = client.post("/api/v1/orders/", body, format="json").json()
    assert draft["credit_decision"] is None
    assert draft == client.get(f"/api/v1/orders/{draft['id']}/").json()
