"""Helpers of the warehouse page tests: URLs, logins, orders due on a day, shipments."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fulfillment.models import Shipment
from fulfillment.selectors import shipment_get
from o2c import pipeline
from tests.builders import a_customer, a_warehouse, line

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
