"""The credit hold queue and finance's decisions on held orders, from the browser's side.

State is built through the services and the pipeline, never by writing rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.services import customer_create
from inventory.models import StockLevel
from inventory.services import product_create, warehouse_create
from o2c import pipeline
from orders.models import SalesOrder
from orders.services import LineInput

pytestmark = pytest.mark.django_db

HOLDS = reverse("credit:holds")


@pytest.fixture
def warehouse():
    return warehouse_create(code="MAIN", name="Main warehouse")


@pytest.fixture
def widget(warehouse):
    product = product_create(
        sku="WID-1", name="Widget", unit_price=Decimal("100.00"), tax_rate=Decimal("19.00")
    )
    pipeline.stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=Decimal("50"))
    return product


def a_customer(code="ACME", credit_limit="150.00"):
    return customer_create(
        code=code, name=f"{code} GmbH", email=f"ap@{code.lower()}.example", credit_limit=Decimal(credit_limit)
    )


def held_order(customer, warehouse, product, quantity="2"):
    order = pipeline.order_place(
        by=None,
        submit=True,
        customer_id=customer.pk,
        lines=[LineInput(product_id=product.pk, quantity=Decimal(quantity))],
        warehouse_id=warehouse.pk,
    )
    assert order.status == SalesOrder.Status.ON_HOLD
    return order


def login(client, make_user, role="finance", username=None):
    user = make_user(role, username)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "role, status", [("finance", 200), ("manager", 200), ("sales", 403), ("warehouse", 403)]
)
def test_the_hold_queue_is_for_finance(client, make_user, role, status):
    login(client, make_user, role)
    assert client.get(HOLDS).status_code == status


def test_the_queue_shows_oldest_first_with_the_exposure_breakdown(client, make_user, warehouse, widget):
    login(client, make_user)
    customer = a_customer(credit_limit="150.00")
    first = held_order(customer, warehouse, widget, "2")  # 238.00 gross against 150.00
    second = held_order(a_customer("BOLT", credit_limit="0.00"), warehouse, widget, "1")
    response = client.get(HOLDS)
    html = response.content.decode()
    assert [order.pk for order in response.context["orders"]] == [first.pk, second.pk]
    assert "limit exceeded by 88.00 EUR" in html and "limit exceeded by 119.00 EUR" in html
    row = response.context["orders"][0]
    assert (row.decision.exposure, row.decision.credit_limit, row.over_limit_by) == (
        Decimal("238.00"),
        Decimal("150.00"),
        Decimal("88.00"),
    )
    assert row.days_on_hold == 0


@pytest.mark.parametrize("count", [3, 15])
def test_the_queue_costs_a_fixed_number_of_queries(
    client, make_user, warehouse, widget, count, django_assert_max_num_queries
):
    login(client, make_user)
    customers = [a_customer(f"C{index:02d}", credit_limit="10.00") for index in range(3)]
    for index in range(count):
        held_order(customers[index % 3], warehouse, widget, "1")
    with django_assert_max_num_queries(8):
        response = client.get(HOLDS)
    assert len(response.context["orders"]) == count
    with django_assert_max_num_queries(8):
        export = client.get(HOLDS, {"export": "csv"})
        rows = b"".join(export.streaming_content).decode().splitlines()
    assert len(rows) == count + 1


def test_release_from_the_queue(client, make_user, warehouse, widget):
    user = login(client, make_user)
    order = held_order(a_customer(), warehouse, widget, "2")
    response = client.post(reverse("credit:release", args=[order.pk]), {"note": "paid upfront"}, follow=True)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.OPEN
    assert StockLevel.objects.get(product=widget).reserved == Decimal("2")
    assert f"{order.number} released" in response.content.decode()
    assert order.credit_decisions.first().decided_by == user
    assert order.credit_decisions.first().note == "paid upfront"


def test_reject_from_the_queue_with_htmx_answers_the_row(client, make_user, warehouse, widget):
    login(client, make_user)
    order = held_order(a_customer(), warehouse, widget, "2")
    response = client.post(
        reverse("credit:reject", args=[order.pk]), {"note": "no more credit"}, HTTP_HX_REQUEST="true"
    )
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CANCELLED
    html = response.content.decode()
    assert response.status_code == 200 and f'id="hold-{order.pk}"' in html and "rejected" in html
    assert "<html" not in html


def test_a_decision_needs_a_note(client, make_user, warehouse, widget):
    login(client, make_user)
    order = held_order(a_customer(), warehouse, widget, "2")
    htmx = client.post(reverse("credit:release", args=[order.pk]), {"note": "  "}, HTTP_HX_REQUEST="true")
    assert 'data-testid="hold-error"' in htmx.content.decode() and "Write a note" in htmx.content.decode()
    plain = client.post(reverse("credit:reject", args=[order.pk]), {}, follow=True)
    assert "Write a note" in plain.content.decode()
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.ON_HOLD


def test_deciding_an_order_no_longer_on_hold_is_a_message(client, make_user, warehouse, widget):
    login(client, make_user)
    order = held_order(a_customer(), warehouse, widget, "2")
    pipeline.hold_release(order_id=order.pk, note="first", by=None)
    plain = client.post(reverse("credit:reject", args=[order.pk]), {"note": "late"}, follow=True)
    assert "is not on hold" in plain.content.decode()
    htmx = client.post(reverse("credit:reject", args=[order.pk]), {"note": "late"}, HTTP_HX_REQUEST="true")
    assert "is not on hold" in htmx.content.decode()
    assert client.post(reverse("credit:release", args=[999_999]), {"note": "x"}).status_code == 404


def test_the_order_page_decides_through_the_same_endpoints_and_returns(client, make_user, warehouse, widget):
    login(client, make_user)
    order = held_order(a_customer(), warehouse, widget, "2")
    detail = reverse("orders:detail", args=[order.pk])
    response = client.post(reverse("credit:release", args=[order.pk]), {"note": "ok", "next": detail})
    assert response.status_code == 302 and response.url == detail
    evil = client.post(
        reverse("credit:release", args=[order.pk]), {"note": "ok", "next": "https://evil.example/"}
    )
    assert evil.url == HOLDS


@pytest.mark.parametrize("role", ["sales", "warehouse"])
def test_release_and_reject_are_403_outside_finance(client, make_user, warehouse, widget, role):
    login(client, make_user, role)
    order = held_order(a_customer(), warehouse, widget, "2")
    assert client.post(reverse("credit:release", args=[order.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("credit:reject", args=[order.pk]), {"note": "x"}).status_code == 403
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.ON_HOLD
