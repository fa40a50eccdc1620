"""Products by SKU and opening stock by product and warehouse: dry run against real run, errors
by row and field, the opening stock's value posted against the opening balances account."""

from __future__ import annotations

from decimal import Decimal

import pytest

from imports.services import import_run
from imports.tests.files import csv_file
from inventory.models import Product, StockLevel, StockMove
from ledger.selectors import account_balance
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock

pytestmark = pytest.mark.django_db


def run(kind: str, content: bytes, *, dry_run: bool):
    return import_run(kind=kind, content=content, filename=f"{kind}.csv", dry_run=dry_run)


def test_products_dry_run_then_real_run():
    a_product(sku="P-1", price="5.00")
    content = csv_file(
        ["sku", "name", "kind", "unit_price", "tax_rate", "standard_cost", "active"],
        ["P-1", "Renamed", "", "6,50", "19", "", ""],
        ["P-2", "Beratung", "service", "120.00", "19.00", "0", "yes"],
        delimiter=";",
    )
    assert run("products", content, dry_run=True).as_dict() == {
        "rows": 2,
        "created": 1,
        "updated": 1,
        "errors": [],
    }
    assert not Product.objects.filter(sku="P-2").exists()
    assert run("products", content, dry_run=False).errors == []
    renamed = Product.objects.get(sku="P-1")
    assert (renamed.name, renamed.unit_price) == ("Renamed", Decimal("6.50"))
    assert Product.objects.get(sku="P-2").kind == "service"


def test_product_errors_by_row_and_field():
    held = a_product(sku="P-H")
    stock(held, "3")
    content = csv_file(
        ["sku", "name", "kind", "unit_price", "tax_rate"],
        ["P-H", "", "service", "", ""],  # holds stock: cannot become a service
        ["P-9", "New", "gadget", "-1", "101"],
        ["P-8", "", "", "1.999", ""],  # a new product needs a name and a tax rate
        ["P-9", "Again", "", "1", "0"],
    )
    result = run("products", content, dry_run=True)
    assert {(e["row"], e["field"]) for e in result.errors} == {
        (2, "kind"),
        (3, "kind"),
        (3, "unit_price"),
        (3, "tax_rate"),
        (4, "unit_price"),
        (4, "name"),
        (4, "tax_rate"),
        (5, "sku"),
    }, result.errors


def test_opening_stock_sets_what_is_on_hand_and_posts_its_value():
    widget = a_product(sku="W-1", cost="4.00")
    gadget = a_product(sku="G-1", cost="10.00")
    main, spare = a_warehouse("MAIN"), a_warehouse("SPARE")
    stock(widget, "5", main)  # a receipt before the import
    inventory_before = account_balance(key="inventory")
    content = csv_file(
        ["sku", "warehouse", "quantity"], ["W-1", "MAIN", "12"], ["G-1", "SPARE", "2,5"], delimiter=";"
    )
    assert run("stock", content, dry_run=True).as_dict() == {
        "rows": 2,
        "created": 1,
        "updated": 1,
        "errors": [],
    }
    assert StockLevel.objects.get(product=widget, warehouse=main).on_hand == Decimal("5")

    assert run("stock", content, dry_run=False).errors == []
    assert StockLevel.objects.get(product=widget, warehouse=main).on_hand == Decimal("12")
    assert StockLevel.objects.get(product=gadget, warehouse=spare).on_hand == Decimal("2.5")
    adjustments = StockMove.objects.filter(kind="adjustment")
    assert sorted(move.quantity for move in adjustments) == [Decimal("2.5"), Decimal("7")]
    # 7 × 4.00 + 2.5 × 10.00 = 53.00 against the opening balances
    assert account_balance(key="inventory") - inventory_before == Decimal("53.00")
    assert account_balance(key="opening_balances") == Decimal("-53.00")
    assert_books_in_step()


def test_opening_stock_errors_by_row_and_field():
    widget = a_product(sku="W-1")
    a_product(sku="S-1", kind="service")
    main = a_warehouse("MAIN")
    stock(widget, "10", main)
    an_order(a_customer(credit_limit="100000"), line(widget, "4"), submit=True)  # 4 reserved
    content = csv_file(
        ["sku", "warehouse", "quantity"],
        ["W-1", "MAIN", "3"],  # below what is reserved
        ["X-1", "NOWHERE", "1"],
        ["S-1", "MAIN", "1"],
        ["W-1", "MAIN", "1.2345"],
        ["", "MAIN", ""],
    )
    result = run("stock", content, dry_run=True)
    assert {(e["row"], e["field"]) for e in result.errors} == {
        (2, "quantity"),
        (3, "sku"),
        (3, "warehouse"),
        (4, "sku"),
        (5, "sku"),  # W-1 in MAIN twice
        (5, "quantity"),
        (6, "sku"),
        (6, "quantity"),
    }, result.errors
