"""Warehouse pages from the browser's side: who may do what, the pick queue, the shipment and
late lists.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import Shipment
from fulfillment.selectors import shipment_get, shipment_list
from fulfillment.tests.pages import (
    LATE,
    QUEUE,
    SHIPMENTS,
    a_shipment,
    an_order_due_in,
    login,
    pick_url,
    queue_numbers,
    shipment_url,
)
from o2c import pipeline
from tests.builders import a_customer, an_order, line

pytestmark = pytest.mark.django_db

# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("warehouse", 200), ("manager", 200), ("sales", 403), ("finance", 403), (None, 403)]
)
def test_the_warehouse_pages_are_for_the_warehouse(client, make_user, order, widget, role, status):
    shipment = a_shipment(an_order_due_in(3, widget))
    login(client, make_user, role)
    for url in (QUEUE, pick_url(order), LATE, shipment_url(shipment, "pick-list")):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role", ["sales", "finance", "warehouse"])
def test_shipments_can_be_read_by_every_role(client, make_user, order, role):
    shipment = a_shipment(order)
    login(client, make_user, role)
    assert client.get(SHIPMENTS).status_code == 200
    page = client.get(shipment_url(shipment)).content.decode()
    assert shipment.number in page
    assert ('data-testid="pack"' in page) is (role == "warehouse")


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sales_cannot_create_pack_or_ship(client, make_user, order):
    shipment = a_shipment(order)
    login(client, make_user, "sales")
    assert client.post(pick_url(order), {"all": "1"}).status_code == 403
    assert client.post(shipment_url(shipment, "pack")).status_code == 403
    assert client.post(shipment_url(shipment, "ship"), {"carrier": "DHL"}).status_code == 403
    assert client.post(shipment_url(shipment, "deliver")).status_code == 403
    assert shipment_list(filters={"order": order.pk}).count() == 1
    assert shipment_get(shipment_id=shipment.pk).status == Shipment.Status.PICKING


# --- the pick queue -----------------------------------------------------------------------------


def test_the_queue_lists_what_is_allocated_and_not_picked_oldest_requested_date_first(
    client, make_user, widget
):
    later = an_order_due_in(10, widget, "2")
    sooner = an_order_due_in(2, widget, "3")
    picked = an_order_due_in(1, widget, "1")
    a_shipment(picked)
    login(client, make_user)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert queue_numbers(response) == [sooner.number, later.number]
    page = response.content.decode()
    assert "WID-1" in page
    assert 'data-testid="create-pick-list"' in page


def test_a_late_order_has_a_late_badge(client, make_user, widget):
    with time_machine.travel(timezone.now() - timedelta(days=5), tick=False):
        late = an_order_due_in(1, widget)
    login(client, make_user)

    page = client.get(QUEUE).content.decode()

    assert late.number in page
    assert 'data-testid="late"' in page


def test_the_queue_exports_csv(client, make_user, order):
    login(client, make_user)

    response = client.get(QUEUE, {"export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("order,customer_code")
    assert len(rows) == 3  # a row per line to pick
    assert all(row.startswith(order.number) for row in rows[1:])


def test_the_shipment_list_filters_by_status_and_late_and_exports_csv(client, make_user, widget):
    picking = a_shipment(an_order_due_in(5, widget))
    on_time = a_shipment(an_order_due_in(5, widget), ship=True, estimated_delivery=timezone.localdate())
    late = a_shipment(an_order_due_in(5, widget), ship=True, estimated_delivery=timezone.localdate())
    pipeline.shipment_deliver(shipment_id=on_time.pk, by=None)
    login(client, make_user)

    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        shipped_page = client.get(SHIPMENTS, {"status": "shipped"}).content.decode()
        late_page = client.get(SHIPMENTS, {"late": "yes"}).content.decode()
        export = client.get(SHIPMENTS, {"export": "csv", "status": "picking"})

    assert late.number in shipped_page and on_time.number not in shipped_page
    assert 'data-testid="late"' in shipped_page
    assert late.number in late_page and picking.number not in late_page
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,status,order")
    assert [row.split(",")[0] for row in rows[1:]] == [picking.number]


def test_the_late_list_shows_late_shipments_and_orders(client, make_user, widget):
    shipment = a_shipment(an_order_due_in(5, widget), ship=True, estimated_delivery=timezone.localdate())
    overdue_order = an_order_due_in(1, widget)
    on_time_order = an_order_due_in(20, widget)
    login(client, make_user)

    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        pipeline.late_flags_refresh(today=timezone.localdate())
        page = client.get(LATE).content.decode()
        export = client.get(LATE, {"export": "csv", "table": "orders"})

    assert shipment.number in page
    assert overdue_order.number in page
    assert on_time_order.number not in page
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [overdue_order.number]


# --- bounded queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 12])
def test_the_pick_queue_runs_a_bounded_number_of_queries(
    client, make_user, widget, gadget, rows, django_assert_max_num_queries
):
    customer = a_customer()
    for _ in range(rows):
        an_order(customer, line(widget, "1"), line(gadget, "1"), submit=True)
    login(client, make_user)

    with django_assert_max_num_queries(9):
        response = client.get(QUEUE)

    assert len(queue_numbers(response)) == rows


@pytest.mark.parametrize("rows", [3, 12])
def test_the_shipment_list_runs_a_bounded_number_of_queries(
    client, make_user, widget, gadget, rows, django_assert_max_num_queries
):
    customer = a_customer()
    for index in range(rows):
        order = an_order(customer, line(widget, "1"), line(gadget, "1"), submit=True)
        a_shipment(order, ship=index % 2 == 0)
    login(client, make_user)

    with django_assert_max_num_queries(8):
        response = client.get(SHIPMENTS)

    assert response.content.decode().count('data-testid="shipment-row"') == rows
