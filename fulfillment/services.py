"""Allocation: reserve stock for approved orders, release it on cancellation, and give new
stock to backorders oldest order first. Stock levels are locked in product order; the caller
(o2c/pipeline/) has already locked the order headers, so locks are always taken
order headers → customer → stock levels."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from fulfillment.errors import FulfillmentErrorCode
from fulfillment.models import Shipment, ShipmentLine
from fulfillment.selectors import shipment_lines_for_issue
from inventory.services import (
    stock_levels_lock,
    stock_release,
    stock_reserve,
)
from inventory.stock_batches import stock_issue_many, stock_reserve_many
from ledger.services import LineSpec, journal_entry_post
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO, round_money
from o2c.numbering import sequence_number_drawn
from o2c.states import transition, transition_assert, transition_rows
from orders.selectors import backordered_lines, order_delivery_address

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from inventory.models import StockLevel
    from orders.models import SalesOrder, SalesOrderLine


def order_allocate(*, order: SalesOrder) -> dict[int, Decimal]:
    """Reserve what is available for each open stock line; returns the quantity per line id."""
    lines = [  # order.lines.all(): the lines the order carries, when it does (pipeline)
        line
        for line in sorted(order.lines.all(), key=lambda line: line.pk)
        if line.is_stock and line.quantity - line.quantity_reserved - line.quantity_shipped > 0
    ]
    if not lines:
        return {}
    levels = stock_levels_lock(
        product_ids=[line.product_id for line in lines], warehouse_id=order.warehouse_id
    )
    if len({line.product_id for line in lines}) < len(lines):  # a product on two lines: one at a time
        return {
            line.pk: stock_reserve(
                level=levels[line.product_id],
                quantity=line.quantity - line.quantity_reserved - line.quantity_shipped,
            )
            for line in lines
        }
    got = stock_reserve_many(
        wanted=[
            (levels[line.product_id], line.quantity - line.quantity_reserved - line.quantity_shipped)
            for line in lines
        ]
    )
    return {line.pk: quantity for line, quantity in zip(lines, got, strict=True)}


def order_deallocate(*, order: SalesOrder) -> dict[int, Decimal]:
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


# --- Shipments ------------------------------------------------------------------------------------


def _pickable(order: SalesOrder) -> dict[int, tuple[SalesOrderLine, Decimal]]:
    """Per stock line: (line, quantity allocated and not yet on an open shipment)."""
    on_open_shipments = {
        row["order_line_id"]: row["total"]
        for row in ShipmentLine.objects.filter(
            shipment__order_id=order.pk,
            shipment__status__in=[Shipment.Status.PICKING, Shipment.Status.PACKED],
        )
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    }
    return {
        line.pk: (line, line.quantity_reserved - on_open_shipments.get(line.pk, ZERO))
        for line in order.lines.filter(is_stock=True).select_related("product").order_by("pk")
    }


def shipment_create(
    *, order: SalesOrder, lines: dict[int, Decimal] | None = None, by: User | None = None
) -> Shipment:
    """A pick list for allocated quantities (all of them, or the chosen lines and quantities)."""
    if order.status != "open":
        raise Conflict(
            f"order {order.number} is {order.status.replace('_', ' ')} and cannot be shipped",
            code=KernelErrorCode.ORDER_NOT_SHIPPABLE,
        )
    pickable = _pickable(order)
    if lines is None:
        wanted = {line_id: quantity for line_id, (_, quantity) in pickable.items() if quantity > 0}
        if not wanted:
            raise Conflict(
                f"order {order.number} has nothing allocated to ship",
                code=FulfillmentErrorCode.NOTHING_TO_SHIP,
            )
    else:
        wanted = {}
        for line_id, quantity in lines.items():
            if line_id not in pickable:
                raise DomainError(
                    f"order line {line_id} is not a stock line of {order.number}",
                    field="lines",
                    code=FulfillmentErrorCode.NOT_A_STOCK_LINE,
                )
            line, available = pickable[line_id]
            if quantity <= 0:
                raise DomainError(
                    f"line {line.position}: the quantity must be positive",
                    field="lines",
                    code=KernelErrorCode.NOT_POSITIVE,
                )
            if quantity > available:
                raise DomainError(
                    f"line {line.position}: {quantity} requested but only {available} allocated and not yet picked",
                    field="lines",
                    code=FulfillmentErrorCode.PICK_EXCEEDS_ALLOCATED,
                )
            wanted[line_id] = quantity
        if not wanted:
            raise DomainError(
                "choose at least one line to ship", field="lines", code=FulfillmentErrorCode.NOTHING_TO_SHIP
            )
    ship_to = _delivery_address(order)
    shipment = Shipment.objects.create(
        number=sequence_number_drawn(series="shipment", on=timezone.localdate()),  # by the INSERT
        order_id=order.pk,
        warehouse_id=order.warehouse_id,
        ship_to=ship_to,
        created_by=by,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(
            shipment=shipment, order_line_id=line_id, product_id=pickable[line_id][0].product_id, quantity=q
        )
        for line_id, q in wanted.items()
    )
    return shipment


def _delivery_address(order: SalesOrder) -> str:
    address = order_delivery_address(order=order)
    if address.source is None:
        raise Conflict(
            f"order {order.number} has no delivery address, and its customer {order.customer.code} has "
            "neither a shipping nor a billing address: enter the ship-to first",
            field="ship_to",
            code=FulfillmentErrorCode.NO_DELIVERY_ADDRESS,
        )
    return address.text


def shipment_address_ensure(*, shipment: Shipment, order: SalesOrder) -> str:
    """A locked shipment about to leave has an address: its own, or (a pick list made before
    addresses were kept) the order's delivery address now; refused when there is none."""
    if not shipment.ship_to.strip():
        shipment.ship_to = _delivery_address(order)
        shipment.save(update_fields=["ship_to"])
    return shipment.ship_to


def shipment_pack(*, shipment: Shipment, by: User | None = None) -> Shipment:
    transition_assert(shipment, Shipment.Status.PACKED)
    shipment.packed_at, shipment.packed_by = timezone.now(), by
    transition(shipment, Shipment.Status.PACKED, by=by, update_fields=["packed_at", "packed_by"])
    return shipment


def shipment_issue_stock(
    *,
    shipment: Shipment,
    levels: dict[int, StockLevel] | None = None,
    lines: list[ShipmentLine] | None = None,
    by: User | None = None,
) -> dict[int, Decimal]:
    """Issue the shipment's goods from stock and post their cost (Dr cost of goods sold / Cr
    inventory at standard cost); returns the shipped quantity per order line. `levels`: the
    shipment's stock levels when the caller has locked them already (per product); `lines`: its
    lines as `shipment_lines_for_issue` gives them, when the caller read them under its lock."""
    transition_assert(shipment, Shipment.Status.SHIPPED)  # before any stock moves
    if lines is None:
        lines = shipment_lines_for_issue(shipment=shipment)
    if levels is None:
        levels = stock_levels_lock(
            product_ids=[line.product_id for line in lines], warehouse_id=shipment.warehouse_id
        )
    cost = ZERO
    stock_issue_many(
        issues=[(levels[line.product_id], line.quantity) for line in lines], reference=shipment.number, by=by
    )
    for line in lines:
        line.unit_cost = line.product.standard_cost
        cost += line.quantity * line.unit_cost
    ShipmentLine.objects.bulk_update(lines, ["unit_cost"])
    cost = round_money(cost, settings.O2C_BASE_CURRENCY)
    if cost > 0:
        journal_entry_post(
            entry_date=timezone.localdate(),
            memo=f"Cost of goods shipped, {shipment.number}",
            lines=[LineSpec(account="cogs", debit=cost), LineSpec(account="inventory", credit=cost)],
            source="shipment",
            source_reference=shipment.number,
            by=by,
        )
    return {line.order_line_id: line.quantity for line in lines}


def shipment_mark_shipped(
    *,
    shipment: Shipment,
    carrier: str,
    tracking_number: str,
    estimated_delivery: date | None,
    by: User | None = None,
) -> Shipment:
    if not carrier.strip():
        raise DomainError("name the carrier", field="carrier", code=KernelErrorCode.REQUIRED)
    transition_assert(shipment, Shipment.Status.SHIPPED)
    shipment.carrier = carrier.strip()
    shipment.tracking_number = tracking_number.strip()
    shipment.estimated_delivery = estimated_delivery
    shipment.shipped_at, shipment.shipped_by = timezone.now(), by
    transition(
        shipment,
        Shipment.Status.SHIPPED,
        by=by,
        reason=" ".join(filter(None, [shipment.carrier, shipment.tracking_number])),
        update_fields=["carrier", "tracking_number", "estimated_delivery", "shipped_at", "shipped_by"],
    )
    event_emit("shipment.shipped", shipment)
    return shipment


def shipment_deliver(
    *, shipment: Shipment, delivered_at: datetime | None = None, by: User | None = None
) -> Shipment:
    transition_assert(shipment, Shipment.Status.DELIVERED)
    shipment.delivered_at, shipment.delivered_by = delivered_at or timezone.now(), by
    shipment.late = bool(
        shipment.estimated_delivery
        and timezone.localdate(shipment.delivered_at) > shipment.estimated_delivery
    )
    transition(
        shipment, Shipment.Status.DELIVERED, by=by, update_fields=["delivered_at", "delivered_by", "late"]
    )
    event_emit("shipment.delivered", shipment)
    return shipment


def shipments_cancel_open(*, order: SalesOrder, reason: str = "", by: User | None = None) -> int:
    """Cancel the order's pick lists that have not left (before the order is cancelled)."""
    return transition_rows(
        Shipment.objects.filter(order_id=order.pk),
        Shipment.Status.CANCELLED,
        by=by,
        reason=reason or f"order {order.number} cancelled",
    )


@transaction.atomic
def shipments_flag_late(*, today: date) -> int:
    """Shipments on the road past their estimated delivery date, flagged once each (with its
    `shipment.late` event). One being shipped or delivered right now is skipped, not waited for:
    the next hourly run takes it if it is still late."""
    due = Shipment.objects.filter(status=Shipment.Status.SHIPPED, estimated_delivery__lt=today, late=False)
    ids = list(due.values_list("pk", flat=True))
    late = [
        shipment
        for shipment in locks.shipments_lock(shipment_ids=ids, skip_locked=True)
        if shipment.status == Shipment.Status.SHIPPED
        and not shipment.late
        and shipment.estimated_delivery is not None
        and shipment.estimated_delivery < today
    ]
    Shipment.objects.filter(pk__in=[shipment.pk for shipment in late]).update(late=True)
    for shipment in late:
        shipment.late = True
        event_emit("shipment.late", shipment)
    return len(late)
