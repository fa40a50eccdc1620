"""Warehouse pages from the browser's side: pick lists and a shipment's way from picking to
delivered.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from fulfillment.models import Shipment
from fulfillment.selectors import shipment_get, shipment_list
from fulfillment.tests.pages import (
    QUEUE,
    a_shipment,
    login,
    pick_url,
    queue_numbers,
    shipment_url,
)
from invoicing.selectors import invoice_list
from orders.selectors import order_get

pytestmark = pytest.mark.django_db


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
