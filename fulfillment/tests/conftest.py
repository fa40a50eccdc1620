"""Fixtures of the warehouse page tests: two stocked products and a submitted order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from o2c import pipeline
from tests.builders import a_customer, a_product, a_warehouse, line, stock


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
