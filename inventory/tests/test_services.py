"""product_update: the catalogue rules hold on every change."""

from decimal import Decimal

import pytest

from inventory.models import Product
from inventory.services import product_create, product_update, stock_receive, warehouse_create
from o2c.errors import DomainError

pytestmark = pytest.mark.django_db


def a_product(sku="P1", **fields):
    return product_create(
        sku=sku, name=f"Product {sku}", unit_price=Decimal("10.00"), tax_rate=Decimal("19.00"), **fields
    )


def test_update_changes_the_fields_given():
    product = product_update(product_id=a_product().pk, unit_price=Decimal("12.50"), tax_rate=Decimal("7.00"))
    product.refresh_from_db()
    assert (product.unit_price, product.tax_rate, product.name) == (
        Decimal("12.50"),
        Decimal("7.00"),
        "Product P1",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_rate": Decimal("100.01")}, "tax_rate"),
        ({"unit_price": Decimal("-1")}, "unit_price"),
        ({"standard_cost": Decimal("-1")}, "standard_cost"),
        ({"kind": "gadget"}, "kind"),
        ({"sku": " "}, "sku"),
        ({"sku": "P2"}, "sku"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_update_refuses_what_breaks_the_rules(change, field):
    product = a_product()
    a_product("P2")
    with pytest.raises(DomainError) as refused:
        product_update(product_id=product.pk, **change)
    assert refused.value.field == field
    product.refresh_from_db()
    assert (product.sku, product.unit_price, product.kind) == ("P1", Decimal("10.00"), "stock")


def test_a_stocked_product_cannot_become_a_service_but_an_empty_one_can():
    warehouse = warehouse_create(code="MAIN", name="Main")
    stocked, empty = a_product("P1"), a_product("P2")
    stock_receive(product_id=stocked.pk, warehouse_id=warehouse.pk, quantity=Decimal("1"))
    with pytest.raises(DomainError) as refused:
        product_update(product_id=stocked.pk, kind=Product.Kind.SERVICE)
    assert refused.value.field == "kind"
    assert product_update(product_id=empty.pk, kind=Product.Kind.SERVICE).kind == "service"
