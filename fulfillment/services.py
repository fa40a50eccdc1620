"""Allocation: reserve stock for approved orders, release it on cancellation, and give new
stock to backorders oldest order first. Stock levels are locked in product order; the caller
(o2c/pipeline.py) has already locked the order headers, so locks are always taken
order headers → customer → stock levels."""

from __future__ import annotations

from decimal import Decimal

from inventory.services import stock_levels_lock, stock_release, stock_reserve
from orders.selectors import backordered_lines

ZERO = Decimal("0")


def order_allocate(*, order) -> dict[int, Decimal]:
    """Reserve what is available for each open stock line; returns the quantity per line id."""
    lines = [
        line
        for line in order.lines.filter(is_stock=True).order_by("pk")
        if line.quantity - line.quantity_reserved - line.quantity_shipped > 0
    ]
    if not lines:
        return {}
    levels = stock_levels_lock(
        product_ids=[line.product_id for line in lines], warehouse_id=order.warehouse_id
    )
    return {
        line.pk: stock_reserve(
            level=levels[line.product_id],
            quantity=line.quantity - line.quantity_reserved - line.quantity_shipped,
        )
        for line in lines
    }


def order_deallocate(*, order) -> dict[int, Decimal]:
    """Give back everything reserved for the order; returns the quantity per line id."""
    product_ids = list(order.lines.filter(quantity_reserved__gt=0).values_list("product_id", flat=True))
    if not product_ids:
        return {}
    levels = stock_levels_lock(product_ids=product_ids, warehouse_id=order.warehouse_id)
    released = {}
    # Read the reservations again now that the stock rows are locked: a receipt may have just
    # allocated to this order.
    for line in order.lines.filter(quantity_reserved__gt=0).order_by("pk"):
        stock_release(level=levels[line.product_id], quantity=line.quantity_reserved)
        released[line.pk] = line.quantity_reserved
    return released


def backorders_allocate(
    *, product_id: int, warehouse_id: int, order_ids: list[int]
) -> dict[int, dict[int, Decimal]]:
    """Give available stock of one product to the backordered lines of `order_ids` (locked by the
    caller), oldest order first; returns {order id: {line id: quantity}}."""
    levels = stock_levels_lock(product_ids=[product_id], warehouse_id=warehouse_id)
    level = levels[product_id]
    allocated: dict[int, dict[int, Decimal]] = {}
    for line in backordered_lines(product_id=product_id, warehouse_id=warehouse_id).filter(
        order_id__in=order_ids
    ):
        if level.on_hand - level.reserved <= 0:
            break
        got = stock_reserve(level=level, quantity=line.quantity_backordered)
        if got:
            allocated.setdefault(line.order_id, {})[line.pk] = got
    return allocated
