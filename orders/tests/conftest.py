"""Fixtures of the order page tests: a warehouse, a stocked widget and a service product."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory.services import product_create, warehouse_create
from o2c import pipeline


@pytest.fixture
def warehouse():
    return warehouse_create(code="MAIN", name="Main warehouse")


@pytest.fixture
def widget(warehouse):
    product = product_create(
        sku="WID-100", name="Widget", unit_price=Decimal("19.99"), tax_rate=Decimal("19.00")
    )
    pipeline.stock_receive(product_id=product.pk, warehouse_id=warehouse.pk, quantity=Decimal("10"))
    return product


@pytest.fixture
def consulting():
    return product_create(
        sku="SRV-1",
        name="Consulting hour",
        unit_price=Decimal("120.00"),
        tax_rate=Decimal("19.00"),
        kind="service",
    )
