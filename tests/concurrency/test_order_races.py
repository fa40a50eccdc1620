"""Races on PostgreSQL with real threads, each on its own connection (STYLE.md: repeated enough
to catch an interleaving)."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from credit.models import CreditDecision
from inventory.models import StockLevel, StockMove
from orders.models import SalesOrder, SalesOrderLine
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_orders_against_one_headroom_never_both_pass():
    """Two orders of 60 submitted at the same moment against a headroom of 100: in every one of
    20 repetitions exactly one is approved and the other held."""
    product = a_product(price="60.00", tax_rate="0.00")
    stock(product, "1000")
    for repetition in range(20):
        customer = a_customer(credit_limit="100.00")
        drafts = [an_order(customer, line(product, "1")) for _ in range(2)]

        def submit(index: int, drafts=drafts):
            from o2c import pipeline

            return pipeline.order_submit(order_id=drafts[index].pk, by=None).status

        outcomes = run_concurrently(submit, 2)

        assert sorted(outcomes) == ["on_hold", "open"], (repetition, outcomes)
        held = CreditDecision.objects.get(customer=customer, outcome="on_hold")
        assert (held.open_orders, held.exposure) == (Decimal("60.00"), Decimal("120.00"))


def test_fifty_orders_for_the_last_ten_units():
    """50 concurrent single-unit orders for the last 10 units: exactly 10 allocated and 40
    backordered; on_hand and reserved agree with the move ledger afterwards."""
    warehouse = a_warehouse()
    product = a_product()
    stock(product, "10", warehouse)
    customers = [a_customer() for _ in range(5)]
    drafts = [an_order(customers[i % 5], line(product, "1")) for i in range(50)]

    def submit(index: int):
        from o2c import pipeline

        return pipeline.order_submit(order_id=drafts[index].pk, by=None).pk

    results = run_concurrently(submit, 50)

    assert not [r for r in results if isinstance(r, Exception)], [
        r for r in results if isinstance(r, Exception)
    ][:3]
    lines = SalesOrderLine.objects.filter(product=product)
    assert lines.filter(quantity_reserved=1).count() == 10
    assert lines.filter(quantity_backordered=1).count() == 40
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    moved = StockMove.objects.filter(product=product, warehouse=warehouse).aggregate(total=Sum("quantity"))[
        "total"
    ]
    assert level.on_hand == moved == Decimal("10")
    assert level.reserved == lines.aggregate(total=Sum("quantity_reserved"))["total"] == Decimal("10")
    assert SalesOrder.objects.filter(status="open").count() == 50


def test_receipts_and_cancellations_at_the_same_time_keep_stock_consistent():
    """Receipts, cancellations and new orders interleaved: reservations never exceed stock and
    no deadlock surfaces (locks are taken order headers → customer → stock everywhere)."""
    warehouse = a_warehouse()
    product = a_product()
    stock(product, "5", warehouse)
    customer = a_customer()
    placed = [an_order(customer, line(product, "2"), submit=True) for _ in range(6)]
    drafts = [an_order(customer, line(product, "1")) for _ in range(6)]

    def act(index: int):
        from o2c import pipeline

        if index < 6:
            return pipeline.order_cancel(order_id=placed[index].pk, reason="race", by=None).status
        if index < 12:
            return pipeline.order_submit(order_id=drafts[index - 6].pk, by=None).status
        return pipeline.stock_receive(
            product_id=product.pk, warehouse_id=warehouse.pk, quantity=Decimal("2")
        ).pk

    results = run_concurrently(act, 16)

    assert not [r for r in results if isinstance(r, Exception)], [
        r for r in results if isinstance(r, Exception)
    ][:3]
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    open_lines = SalesOrderLine.objects.filter(product=product, order__status="open")
    assert level.on_hand == Decimal("13")
    assert level.reserved == open_lines.aggregate(total=Sum("quantity_reserved"))["total"]
    assert level.reserved == min(level.on_hand, Decimal("6"))  # six open single-unit orders remain


def test_twenty_concurrent_shipments_get_consecutive_invoice_numbers():
    """20 shipments of 20 orders shipped at the same moment: invoice numbers consecutive, no gap,
    no repeat; every invoice posted."""
    from invoicing.models import Invoice
    from ledger.selectors import account_balance
    from o2c import pipeline

    product = a_product(price="10.00", tax_rate="19.00")
    stock(product, "100")
    customers = [a_customer() for _ in range(4)]
    shipments = []
    for index in range(20):
        order = an_order(customers[index % 4], line(product, "1"), submit=True)
        shipment = pipeline.shipment_create(order_id=order.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        shipments.append(shipment)

    def ship(index: int):
        from o2c import pipeline

        return pipeline.shipment_ship(shipment_id=shipments[index].pk, carrier="DHL", by=None).status

    results = run_concurrently(ship, 20)

    assert results == ["shipped"] * 20, results
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"INV-{year}-{i:06d}" for i in range(1, 21)]
    assert account_balance(key="receivables") == Decimal("238.00")
