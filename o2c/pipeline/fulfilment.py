"""The fulfilment phase: pick lists, packing, shipping (stock out, then the invoice of what
shipped), delivery, goods in and backorders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from fulfillment import selectors as fulfillment_selectors
from fulfillment import services as fulfillment
from inventory import services as inventory
from invoicing import selectors as invoicing_selectors
from ledger import services as ledger
from o2c import locks, numbering
from o2c.pipeline.billing import invoice_issue
from o2c.transactions import whole_step
from orders import selectors as order_selectors
from orders import services as orders

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fulfillment.models import Shipment
    from inventory.models import StockMove


@whole_step
def shipment_create(*, order_id: int, lines: dict[int, Decimal] | None = None, by: User | None) -> Shipment:
    """A pick list for what is allocated (all of it, or chosen lines and quantities)."""
    order = locks.order_lock(order_id=order_id)
    return fulfillment.shipment_create(order=order, lines=lines, by=by)


@whole_step
def shipment_pack(*, shipment_id: int, by: User | None) -> Shipment:
    return fulfillment.shipment_pack(shipment=locks.shipment_lock(shipment_id=shipment_id), by=by)


@whole_step
def shipment_ship(
    *,
    shipment_id: int,
    carrier: str,
    tracking_number: str = "",
    estimated_delivery: date | None = None,
    by: User | None,
) -> Shipment:
    """Stock issue (and its cost), then the order's shipped quantities, then the invoice of what
    shipped (with the order's service lines on its first shipment) and its postings: one
    transaction."""
    order_id = fulfillment_selectors.shipment_order_id(shipment_id=shipment_id)
    order = locks.order_lock(order_id=order_id)
    order_selectors.order_lines_load(order=order)  # read once, under the order's lock, for every step below
    shipment = locks.shipment_lock(shipment_id=shipment_id)
    shipment.order = order  # the shipping notice reads the order and its customer: these
    locks.customer_share_lock(customer_id=order.customer_id)  # the invoice's foreign key, in its place
    lines = fulfillment_selectors.shipment_lines_for_issue(shipment=shipment)  # under the shipment's lock
    levels = inventory.stock_levels_lock(
        product_ids=[line.product_id for line in lines], warehouse_id=shipment.warehouse_id
    )
    numbering.number_series_hold(series="invoice", on=timezone.localdate())  # before the cost's JE
    orders.order_check_shippable(order=order)
    fulfillment.shipment_address_ensure(shipment=shipment, order=order)  # no address, no shipping
    shipped = fulfillment.shipment_issue_stock(shipment=shipment, levels=levels, lines=lines, by=by)
    orders.order_record_shipment(order=order, shipped=shipped, reference=shipment.number, by=by)
    invoice_issue(
        order=order,
        quantities=invoicing_selectors.invoice_quantities_on_shipment(order=order, shipped=shipped),
        shipment=shipment,
        by=by,
    )
    return fulfillment.shipment_mark_shipped(
        shipment=shipment,
        carrier=carrier,
        tracking_number=tracking_number,
        estimated_delivery=estimated_delivery,
        by=by,
    )


@transaction.atomic
def shipment_deliver(*, shipment_id: int, delivered_at: datetime | None = None, by: User | None) -> Shipment:
    return fulfillment.shipment_deliver(
        shipment=locks.shipment_lock(shipment_id=shipment_id), delivered_at=delivered_at, by=by
    )


def late_flags_refresh(*, today: date) -> tuple[int, int]:
    """Flag shipments past their estimated delivery and orders past their requested date."""
    return fulfillment.shipments_flag_late(today=today), orders.orders_flag_late(today=today)


@transaction.atomic
def stock_receive(
    *, product_id: int, warehouse_id: int, quantity: Decimal, reference: str = "", by: User | None = None
) -> StockMove:
    """Goods in at standard cost (Dr inventory / Cr goods received), then backorders are
    allocated oldest order first."""
    waiting = order_selectors.backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id)
    locked = {order.pk for order in locks.orders_lock(order_ids=sorted(waiting))}
    move = inventory.stock_receive(
        product_id=product_id, warehouse_id=warehouse_id, quantity=quantity, reference=reference, by=by
    )
    ledger.stock_receipt_post(
        entry_date=timezone.localdate(move.created_at),
        quantity=move.quantity,
        sku=move.product.sku,
        unit_cost=move.product.standard_cost,
        reference=reference,
        by=by,
    )
    backorders_allocate(product_id=product_id, warehouse_id=warehouse_id, order_ids=locked, by=by)
    return move


@transaction.atomic
def backorders_refill(*, product_id: int, warehouse_id: int, by: User | None = None) -> None:
    """Give stock that sits available to waiting backorders (run periodically as a safety net)."""
    waiting = order_selectors.backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id)
    locked = {order.pk for order in locks.orders_lock(order_ids=sorted(waiting))}
    backorders_allocate(product_id=product_id, warehouse_id=warehouse_id, order_ids=locked, by=by)


def backorders_allocate(*, product_id: int, warehouse_id: int, order_ids: set[int], by: User | None) -> None:
    """Available stock to backorders, oldest order first. `order_ids` (open orders waiting for
    the product) were locked before the stock; orders that went into backorder since are taken
    too when their header is free (SKIP LOCKED keeps the lock order safe); one held elsewhere
    waits for the periodic `backorders_refill`."""
    late = (
        order_selectors.backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id) - order_ids
    )
    if late:
        order_ids = order_ids | {
            order.pk for order in locks.orders_lock(order_ids=sorted(late), skip_locked=True)
        }
    if not order_ids:
        return
    allocated = fulfillment.backorders_allocate(
        product_id=product_id, warehouse_id=warehouse_id, order_ids=sorted(order_ids)
    )
    for order in locks.orders_lock(order_ids=sorted(allocated)):
        orders.order_record_reservations(
            order=order, reserved=allocated[order.pk], by=by, event="backorder_allocated"
        )
