"""One rounding rule (half-up, `o2c.money`): no bare `Decimal.quantize` elsewhere, and the cents
that drifted while two places rounded half-even. Decision record 0025."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from credit.selectors import customer_position
from ledger.selectors import account_balance
from o2c import pipeline
from o2c.money import is_rounded, round_money, round_places
from orders.selectors import uninvoiced_order_values
from tests.builders import a_customer, a_product, an_order, line, stock

ROOT = Path(__file__).resolve().parents[2]
# The owners: money rounds, parsing checks the places of what comes in.
OWNERS = {ROOT / "o2c" / "money.py", ROOT / "o2c" / "parsing.py"}
SKIPPED_PARTS = {".venv", "migrations", "tests", "node_modules", ".git"}
QUANTIZE = re.compile(r"\.quantize\(")


def _sources():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS.intersection(relative.parts) or path in OWNERS:
            continue
        yield path


def test_no_bare_quantize_outside_the_rounding_owner():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {text.strip()}"
        for path in _sources()
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if QUANTIZE.search(text)
    ]
    assert offenders == [], "round through o2c.money (round_money, round_places, is_rounded):\n" + "\n".join(
        offenders
    )


def test_the_scan_sees_the_application_code():
    scanned = {path.relative_to(ROOT).as_posix() for path in _sources()}
    assert {"o2c/pipeline/cash.py", "orders/selectors.py", "reporting/dso.py"} <= scanned
    assert "o2c/money.py" not in scanned


def test_half_up_is_the_rule_where_half_even_differs():
    assert Decimal("0.125").quantize(Decimal("0.01")) == Decimal("0.12")  # what the bare call did
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_places(Decimal("12.25"), 1) == Decimal("12.3")
    assert is_rounded(Decimal("1.20")) and not is_rounded(Decimal("1.205"))


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_receiving_and_shipping_half_a_unit_leaves_no_cent_in_the_stock_account():
    # 0.5 × 0.25 = 0.125: the receipt rounded half-even (0.12), the shipment half-up (0.13), and
    # the inventory account kept −0.01 of stock that is not there.
    part = a_product(price="1.00", cost="0.25")
    stock(part, "0.5")
    assert account_balance(key="inventory") == Decimal("0.13")
    order = an_order(a_customer(credit_limit="100.00"), line(part, "0.5"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    assert account_balance(key="inventory") == Decimal("0.00")
    assert account_balance(key="cogs") == Decimal("0.13")


@pytestmark_db
def test_the_uninvoiced_value_of_an_order_is_its_total_less_its_invoices():
    # A line of 1 × 0.21 (+19 % = 0.25 gross) half shipped: the invoice takes its half-up share
    # (0.11 + 0.02 = 0.13), and what is left on order is the rest to the cent (0.12), so the
    # exposure counts the order's 0.25 once. (Until decision 0050 the open part was the line's
    # pro-rata 0.125 rounded half up, 0.13: one cent counted twice, on the invoice and the order.)
    cup = a_product(price="0.21", cost="0.01")
    stock(cup, "2")
    customer = a_customer(credit_limit="100.00")
    order = an_order(customer, line(cup, "1"), submit=True)
    assert order.total == Decimal("0.25")
    order_line = order.lines.get()
    shipment = pipeline.shipment_create(order_id=order.pk, lines={order_line.pk: Decimal("0.5")}, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    assert uninvoiced_order_values(customer_ids=[customer.pk]) == {customer.pk: Decimal("0.12")}
    assert customer_position(customer=customer).exposure == Decimal("0.25")
