"""Test state built through the services and the pipeline, as production builds it (STYLE.md:
setup never drifts from production). Each builder takes only what a test cares about."""

from __future__ import annotations

import itertools
from decimal import Decimal

from customers.services import customer_create
from inventory.models import Warehouse
from inventory.services import product_create, warehouse_create
from o2c import pipeline
from orders.services import LineInput

_serial = itertools.count(1)


def a_customer(*, credit_limit: str | None = None, **fields):
    number = next(_serial)
    fields.setdefault("shipping_address", f"Goods in, dock {number}\n10115 Berlin")  # goods need an address
    return customer_create(
        code=fields.pop("code", f"T{number:05d}"),
        name=fields.pop("name", f"Test customer {number}"),
        email=fields.pop("email", f"ap{number}@customer.example"),
        credit_limit=Decimal(credit_limit) if credit_limit is not None else None,
        **fields,
    )


def a_product(
    *, price: str = "10.00", tax_rate: str = "19.00", kind: str = "stock", cost: str = "4.00", **fields
):
    number = next(_serial)
    return product_create(
        sku=fields.pop("sku", f"SKU-{number:05d}"),
        name=fields.pop("name", f"Test product {number}"),
        kind=kind,
        unit_price=Decimal(price),
        tax_rate=Decimal(tax_rate),
        standard_cost=Decimal(cost),
        **fields,
    )


def a_warehouse(code: str = "MAIN"):
    return Warehouse.objects.filter(code=code).first() or warehouse_create(
        code=code, name=f"Warehouse {code}"
    )


def stock(product, quantity: str, warehouse=None):
    warehouse = warehouse or a_warehouse()
    return pipeline.stock_receive(
        product_id=product.pk, warehouse_id=warehouse.pk, quantity=Decimal(quantity), reference="test stock"
    )


def line(product, quantity: str, *, price: str | None = None, discount: str = "0") -> LineInput:
    return LineInput(
        product_id=product.pk,
        quantity=Decimal(quantity),
        unit_price=Decimal(price) if price is not None else None,
        discount_percent=Decimal(discount),
    )


def an_order(customer, *lines: LineInput, submit: bool = False, by=None, warehouse=None):
    return pipeline.order_place(
        by=by,
        submit=submit,
        customer_id=customer.pk,
        lines=list(lines),
        warehouse_id=(warehouse or a_warehouse()).pk,
    )


def an_invoice(customer, amount: str = "100.00", *, by=None):
    """A posted invoice of `amount` (gross, no tax) from a service-only order, invoiced on approval
    (released by finance if the credit check held it)."""
    service = a_product(price=amount, tax_rate="0.00", kind="service", cost="0")
    order = an_order(customer, line(service, "1"), submit=True, by=by)
    if order.status == "on_hold":  # an overdue invoice or the limit: finance releases it
        order = pipeline.hold_release(order_id=order.pk, note="released for the test", by=by)
    return order.invoices.get()
