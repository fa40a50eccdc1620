"""Allocation: approved orders reserve what is there, the rest is backordered; receipts serve
backorders oldest order first; cancelling gives the stock back."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from inventory.models import StockLevel, StockMove
from ledger.selectors import account_balance
from o2c import pipeline
from o2c.errors import Conflict
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock

pytestmark = pytest.mark.django_db


def level(product):
    return StockLevel.objects.get(product=product, warehouse=a_warehouse())


def test_reserves_what_is_available_and_backorders_the_rest():
    product = a_product()
    stock(product, "5")
    order = an_order(a_customer(), line(product, "8"), submit=True)

    order_line = order.lines.get()
    assert (order_line.quantity_reserved, order_line.quantity_backordered) == (Decimal("5"), Decimal("3"))
    assert order.fulfillment_status == "partially_allocated"
    assert (level(product).on_hand, level(product).reserved) == (Decimal("5"), Decimal("5"))


def test_service_lines_need_no_stock():
    service = a_product(kind="service")
    order = an_order(a_customer(), line(service, "3"), submit=True)
    assert order.fulfillment_status == "allocated"
    assert order.lines.get().quantity_backordered == 0


def test_a_receipt_serves_backorders_oldest_order_first_and_posts_at_standard_cost():
    product = a_product(cost="4.00")
    customer = a_customer()
    older = an_order(customer, line(product, "3"), submit=True)
    newer = an_order(customer, line(product, "3"), submit=True)

    stock(product, "4")

    older_line, newer_line = older.lines.get(), newer.lines.get()
    assert (older_line.quantity_reserved, older_line.quantity_backordered) == (Decimal("3"), Decimal("0"))
    assert (newer_line.quantity_reserved, newer_line.quantity_backordered) == (Decimal("1"), Decimal("2"))
    older.refresh_from_db()
    assert older.fulfillment_status == "allocated"
    assert "backorder_allocated" in [e.event for e in newer.events.all()]
    assert account_balance(key="inventory") == Decimal("16.00")
    assert account_balance(key="goods_received") == Decimal("-16.00")


def test_cancelling_releases_the_reservation():
    product = a_product()
    stock(product, "10")
    order = an_order(a_customer(), line(product, "6"), submit=True)

    pipeline.order_cancel(order_id=order.pk, reason="duplicate", by=None)

    order.refresh_from_db()
    assert order.status == "cancelled" and level(product).reserved == 0
    assert order.lines.get().quantity_reserved == 0
    with pytest.raises(Conflict):
        pipeline.order_cancel(order_id=order.pk, reason="twice", by=None)


class TestAllocationProperty(HypothesisTestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        receipts=st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=4),
        orders=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=6),
        cancel=st.sets(st.integers(min_value=0, max_value=5)),
    )
    def test_never_reserves_more_than_is_on_hand(self, receipts, orders, cancel):
        product = a_product()
        customer = a_customer()
        stock(product, str(receipts[0]))
        placed = [an_order(customer, line(product, str(q)), submit=True) for q in orders]
        for quantity in receipts[1:]:
            stock(product, str(quantity))
        for index in sorted(cancel):
            if index < len(placed):
                pipeline.order_cancel(order_id=placed[index].pk, reason="x", by=None)

        stock_level = level(product)
        moved = StockMove.objects.filter(product=product).aggregate(total=Sum("quantity"))["total"]
        assert stock_level.on_hand == moved == sum(receipts)
        assert 0 <= stock_level.reserved <= stock_level.on_hand
        reserved_on_lines = sum(o.lines.get().quantity_reserved for o in placed)
        assert reserved_on_lines == stock_level.reserved
        for order in placed:
            order_line = order.lines.get()
            order.refresh_from_db()
            if order.status == "open":
                assert order_line.quantity_reserved + order_line.quantity_backordered == order_line.quantity
            # stock goes to backorders before it sits idle
            if order_line.quantity_backordered > 0:
                assert stock_level.on_hand == stock_level.reserved


def test_the_periodic_refill_gives_idle_stock_to_waiting_orders():
    from fulfillment.tasks import backorders_refill_all
    from inventory.services import stock_levels_lock, stock_release

    product = a_product()
    stock(product, "2")
    waiting = an_order(a_customer(), line(product, "3"), submit=True)
    # Simulate a reservation given back without the backorder pass (as when a receipt could
    # not lock the waiting order): the stock sits idle until the refill runs.
    levels = stock_levels_lock(product_ids=[product.pk], warehouse_id=a_warehouse().pk)
    stock_release(level=levels[product.pk], quantity=Decimal("2"))
    waiting.lines.update(quantity_reserved=0, quantity_backordered=3)

    assert backorders_refill_all() == 1

    waiting_line = waiting.lines.get()
    assert (waiting_line.quantity_reserved, waiting_line.quantity_backordered) == (Decimal("2"), Decimal("1"))
    assert level(product).reserved == Decimal("2")
