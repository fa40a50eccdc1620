"""Warehouse pages: the pick queue, pick lists, a shipment's way from picking to delivered, and
the late list, from the browser's side.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import Shipment
from fulfillment.selectors import shipment_get, shipment_list
from invoicing.selectors import invoice_list
from o2c import pipeline
from orders.selectors import order_get
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock

pytestmark = pytest.mark.django_db

QUEUE = reverse("fulfillment:queue")
SHIPMENTS = reverse("fulfillment:shipments")
LATE = reverse("fulfillment:late")


def login(client, make_user, role="warehouse"):
    user = make_user(role, f"{role}-page-user")
    client.force_login(user)
    return user


def pick_url(order) -> str:
    return reverse("fulfillment:pick", args=[order.pk])


def shipment_url(shipment, action: str = "shipment") -> str:
    return reverse(f"fulfillment:{action}", args=[shipment.pk])


@pytest.fixture
def widget():
    product = a_product(sku="WID-1", name="Widget", price="10.00")
    stock(product, "100")
    return product


@pytest.fixture
def gadget():
    product = a_product(sku="GAD-2", name="Gadget", price="25.00", tax_rate="7.00")
    stock(product, "100")
    return product


@pytest.fixture
def order(widget, gadget):
    return pipeline.order_place(
        by=None,
        submit=True,
        customer_id=a_customer(code="ACME", name="Acme GmbH").pk,
        warehouse_id=a_warehouse().pk,
        requested_delivery_date=timezone.localdate() + timedelta(days=3),
        ship_to="Acme GmbH\nDock 4\n10115 Berlin",
        lines=[line(widget, "5"), line(gadget, "2")],
    )


def an_order_due_in(days: int, product, quantity="1"):
    return pipeline.order_place(
        by=None,
        submit=True,
        customer_id=a_customer().pk,
        warehouse_id=a_warehouse().pk,
        requested_delivery_date=timezone.localdate() + timedelta(days=days),
        lines=[line(product, quantity)],
    )


def a_shipment(order, *, pack=False, ship=False, **ship_fields) -> Shipment:
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    if pack or ship:
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    if ship:
        pipeline.shipment_ship(
            shipment_id=shipment.pk, carrier=ship_fields.pop("carrier", "DHL"), by=None, **ship_fields
        )
    return shipment_get(shipment_id=shipment.pk)


def queue_numbers(response) -> list[str]:
    return re.findall(
        r'<tr data-testid="queue-row"[^>]*>\s*<td[^>]*><a[^>]*>(SO-[\d-]+)</a>', response.content.decode()
    )


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


# --- pick, pack, ship, deliver ------------------------------------------------------------------


def test_create_pick_list_then_pack_ship_and_deliver_through_the_pages(client, make_user, order):
    login(client, make_user)

    response = client.post(pick_url(order), {"all": "1"})

    shipment = shipment_list(filters={"order": order.pk}).get()
    assert response.status_code == 302
    assert response["Location"] == shipment_url(shipment)
    assert shipment.status == Shipment.Status.PICKING
    assert {(sl.product.sku, sl.quantity) for sl in shipment.lines.all()} == {
        ("WID-1", Decimal("5.000")),
        ("GAD-2", Decimal("2.000")),
    }
    assert order.number not in queue_numbers(client.get(QUEUE))

    client.post(shipment_url(shipment, "pack"))
    assert shipment_get(shipment_id=shipment.pk).status == Shipment.Status.PACKED

    eta = timezone.localdate() + timedelta(days=2)
    response = client.post(
        shipment_url(shipment, "ship"),
        {"carrier": "DHL", "tracking_number": "JD0146", "estimated_delivery": eta.isoformat()},
        follow=True,
    )
    shipped = shipment_get(shipment_id=shipment.pk)
    assert shipped.status == Shipment.Status.SHIPPED
    assert (shipped.carrier, shipped.tracking_number, shipped.estimated_delivery) == ("DHL", "JD0146", eta)
    invoice = invoice_list(filters={"shipment": shipment.pk}).get()
    assert invoice.total == Decimal("113.00")  # 5 × 10.00 + 19 %, 2 × 25.00 + 7 %
    page = response.content.decode()
    assert f"invoice {invoice.number} issued" in page
    assert reverse("invoicing:detail", args=[invoice.pk]) in page
    assert order_get(order_id=order.pk).fulfillment_status == "shipped"

    response = client.post(shipment_url(shipment, "deliver"), {"delivered_at": ""})
    delivered = shipment_get(shipment_id=shipment.pk)
    assert response.status_code == 302
    assert delivered.status == Shipment.Status.DELIVERED
    assert delivered.delivered_at is not None
    assert delivered.late is False


def test_shipping_without_a_carrier_shows_the_error_and_ships_nothing(client, make_user, order):
    shipment = a_shipment(order, pack=True)
    login(client, make_user)

    response = client.post(shipment_url(shipment, "ship"), {"carrier": "  ", "tracking_number": "X1"})

    assert response.status_code == 200
    assert "Name the carrier." in response.content.decode()
    assert shipment_get(shipment_id=shipment.pk).status == Shipment.Status.PACKED
    assert not invoice_list(filters={"order": order.pk}).exists()


def test_a_step_the_status_no_longer_allows_becomes_a_message(client, make_user, order):
    shipment = a_shipment(order, pack=True)
    login(client, make_user)

    response = client.post(shipment_url(shipment, "pack"), follow=True)

    assert response.status_code == 200
    assert "cannot become packed" in response.content.decode()


def test_a_delivery_date_may_be_given_and_a_late_one_is_flagged(client, make_user, order):
    eta = timezone.localdate() + timedelta(days=1)
    shipment = a_shipment(order, ship=True, estimated_delivery=eta)
    login(client, make_user)

    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        delivered_at = timezone.localtime() - timedelta(hours=1)
        client.post(
            shipment_url(shipment, "deliver"), {"delivered_at": delivered_at.strftime("%Y-%m-%dT%H:%M")}
        )

    delivered = shipment_get(shipment_id=shipment.pk)
    assert delivered.status == Shipment.Status.DELIVERED
    assert timezone.localtime(delivered.delivered_at).strftime("%Y-%m-%d %H:%M") == delivered_at.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert delivered.late is True


def test_chosen_lines_and_quantities_make_a_partial_pick_list(client, make_user, order):
    widget_line, gadget_line = order_get(order_id=order.pk).lines.all()
    login(client, make_user)

    response = client.post(
        pick_url(order), {f"quantity_{widget_line.pk}": "2", f"quantity_{gadget_line.pk}": "0"}
    )

    shipment = shipment_list(filters={"order": order.pk}).get()
    assert response.status_code == 302
    assert [(sl.order_line_id, sl.quantity) for sl in shipment.lines.all()] == [
        (widget_line.pk, Decimal("2"))
    ]
    assert queue_numbers(client.get(QUEUE)) == [order.number]  # 3 widgets and 2 gadgets are left
    form = client.get(pick_url(order)).content.decode()
    assert f'name="quantity_{widget_line.pk}"' in form
    assert 'value="3"' in form


def test_more_than_is_allocated_is_refused_on_the_line(client, make_user, order):
    widget_line, _ = order_get(order_id=order.pk).lines.all()
    login(client, make_user)

    response = client.post(pick_url(order), {f"quantity_{widget_line.pk}": "6"})

    assert response.status_code == 200
    assert "At most 5 can be picked." in response.content.decode()
    assert not shipment_list(filters={"order": order.pk}).exists()


def test_no_quantity_at_all_is_refused(client, make_user, order):
    widget_line, gadget_line = order_get(order_id=order.pk).lines.all()
    login(client, make_user)

    response = client.post(
        pick_url(order), {f"quantity_{widget_line.pk}": "0", f"quantity_{gadget_line.pk}": ""}
    )

    assert "Enter a quantity to pick on at least one line." in response.content.decode()
    assert not shipment_list(filters={"order": order.pk}).exists()


def test_an_order_with_nothing_left_to_pick_goes_back_to_the_queue(client, make_user, order):
    a_shipment(order)
    login(client, make_user)

    response = client.post(pick_url(order), {"all": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == QUEUE
    assert "nothing allocated left to pick" in response.content.decode()
    assert shipment_list(filters={"order": order.pk}).count() == 1


def test_an_unknown_order_or_shipment_is_a_404(client, make_user):
    login(client, make_user)
    assert client.get(reverse("fulfillment:pick", args=[999999])).status_code == 404
    assert client.get(reverse("fulfillment:shipment", args=[999999])).status_code == 404
    assert client.post(reverse("fulfillment:pack", args=[999999])).status_code == 404


def test_the_pick_list_prints_the_lines_with_a_tick_box(client, make_user, order):
    shipment = a_shipment(order)
    login(client, make_user)

    response = client.get(shipment_url(shipment, "pick-list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert shipment.number in page
    assert order.number in page
    assert "Dock 4" in page
    assert "WID-1" in page and "GAD-2" in page
    assert page.count('class="tickbox"') == 2
    # the print styles are a static file (Content-Security-Policy: no inline <style>, decision 0033)
    assert "css/pages/fulfillment/pick-list.css" in page
    assert "@media print" in (settings.BASE_DIR / "static/css/pages/fulfillment/pick-list.css").read_text()


# --- shipments and the late list ----------------------------------------------------------------


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
