"""Shipment reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from fulfillment.models import Shipment, ShipmentLine
from o2c.money import ZERO
from orders.selectors import order_list

if TYPE_CHECKING:
    from orders.models import SalesOrder


def shipment_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Shipment]:
    shipments = Shipment.objects.select_related(
        "order", "order__customer", "warehouse", "invoice", "packed_by", "shipped_by", "delivered_by"
    ).prefetch_related(
        Prefetch(
            "lines", queryset=ShipmentLine.objects.select_related("product", "order_line").order_by("pk")
        )
    )
    for field, value in (filters or {}).items():
        if value not in (None, ""):
            shipments = shipments.filter(**{field: value})
    return shipments


def shipment_get(*, shipment_id: int) -> Shipment:
    return shipment_list().get(pk=shipment_id)


def shipment_order_id(*, shipment_id: int) -> int:
    """The order of a shipment (DoesNotExist when there is no such shipment)."""
    return Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).get()


def shipment_lines_for_issue(*, shipment: Shipment) -> list[ShipmentLine]:
    """The lines a shipment issues from stock, with their products, in product order."""
    return list(shipment.lines.select_related("product").order_by("product_id", "pk"))


OPEN_SHIPMENT_STATUSES = (Shipment.Status.PICKING, Shipment.Status.PACKED)


def orders_ready_to_pick() -> QuerySet[SalesOrder]:
    """Open orders with stock allocated and not yet on an open (picking or packed) shipment,
    the oldest requested delivery date first (orders without one last).

    Annotated with `allocated` (reserved on its stock lines), `on_open_shipments` and `to_pick`
    (their difference). A line's open shipments never exceed its reservation (a pick list takes
    at most what is reserved and shipping releases both), so an order has a line to pick exactly
    when its `to_pick` is positive. Each line comes prefetched with its product and
    `open_shipment_lines`, so a page can show what is left to pick per line without a query per
    order."""
    on_open_shipments = (
        ShipmentLine.objects.filter(
            shipment__order=OuterRef("pk"), shipment__status__in=OPEN_SHIPMENT_STATUSES
        )
        .order_by()
        .values("shipment__order")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    quantity: DecimalField[Decimal, Decimal] = DecimalField(max_digits=15, decimal_places=3)
    return (
        order_list(filters={"status": "open"})
        .annotate(
            allocated=Coalesce(
                Sum("lines__quantity_reserved", filter=Q(lines__is_stock=True)),
                Value(ZERO),
                output_field=quantity,
            ),
            on_open_shipments=Coalesce(Subquery(on_open_shipments), Value(ZERO), output_field=quantity),
            to_pick=ExpressionWrapper(F("allocated") - F("on_open_shipments"), output_field=quantity),
        )
        .filter(to_pick__gt=0)
        .prefetch_related(
            "lines__product",
            Prefetch(
                "lines__shipment_lines",
                queryset=ShipmentLine.objects.filter(shipment__status__in=OPEN_SHIPMENT_STATUSES),
                to_attr="open_shipment_lines",
            ),
        )
        .order_by(F("requested_delivery_date").asc(nulls_last=True), "submitted_at", "pk")
    )


def orders_with_lines_to_pick(*, orders: Iterable[Any], today: date) -> list[Any]:
    """Each order with `lines_to_pick` (its stock lines, each with `to_pick`) and `is_late`,
    from what `orders_ready_to_pick` prefetched."""
    orders = list(orders)
    for order in orders:
        order.lines_to_pick = []
        for line in order.lines.all():
            if not line.is_stock:
                continue
            on_open = sum((shipped.quantity for shipped in line.open_shipment_lines), ZERO)
            line.to_pick = line.quantity_reserved - on_open
            if line.to_pick > 0:
                order.lines_to_pick.append(line)
        requested = order.requested_delivery_date
        order.is_late = order.late or bool(requested and requested < today)
    return orders


def with_line_totals(shipments: QuerySet[Shipment]) -> QuerySet[Shipment]:
    """Shipments annotated with `line_total` (lines) and `unit_total` (quantity), so that a list
    sorts by them."""
    lines = ShipmentLine.objects.filter(shipment=OuterRef("pk")).order_by().values("shipment")
    quantity: DecimalField[Decimal, Decimal] = DecimalField(max_digits=15, decimal_places=3)
    return shipments.annotate(
        line_total=Coalesce(Subquery(lines.annotate(n=Count("pk")).values("n")), Value(0)),
        unit_total=Coalesce(
            Subquery(lines.annotate(q=Sum("quantity")).values("q")), Value(ZERO), output_field=quantity
        ),
    )


def shipment_invoice_number(shipment: Shipment) -> str:
    """The number of the shipment's invoice, "" before it has one."""
    invoice = getattr(shipment, "invoice", None)  # the reverse one-to-one raises when absent
    return str(invoice.number) if invoice is not None else ""


def shipments_with_figures(*, shipments: Iterable[Any], today: date) -> list[Any]:
    """Each shipment with `is_late`, `line_count`, `units` and `invoice_number` (from what the
    selector prefetched)."""
    shipments = list(shipments)
    for shipment in shipments:
        lines = list(shipment.lines.all())
        shipment.line_count = len(lines)
        shipment.units = sum((line.quantity for line in lines), ZERO)
        shipment.invoice_number = shipment_invoice_number(shipment)
        shipment.is_late = shipment.late or bool(
            shipment.status == Shipment.Status.SHIPPED
            and shipment.estimated_delivery
            and shipment.estimated_delivery < today
        )
    return shipments


def shipped_unit_costs(*, order_line_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per order line: the cost per unit its goods left at (their shipments' cost of goods sold),
    weighted by quantity over its shipped shipments; the product's standard cost stands in for a
    line shipped before the cost was kept on it. What a return puts back into inventory."""
    rows = (
        ShipmentLine.objects.filter(
            order_line_id__in=list(order_line_ids),
            shipment__status__in=[Shipment.Status.SHIPPED, Shipment.Status.DELIVERED],
        )
        .values("order_line_id")
        .annotate(
            units=Sum("quantity"),
            cost=Sum(
                F("quantity") * Coalesce("unit_cost", "product__standard_cost"),
                output_field=DecimalField(max_digits=30, decimal_places=5),
            ),
        )
    )
    return {row["order_line_id"]: row["cost"] / row["units"] for row in rows if row["units"]}


def shipments_of_order_lines(*, order_line_ids: Iterable[int]) -> QuerySet[Shipment]:
    """The shipments that carried these order lines (shipped or delivered), oldest first."""
    return (
        Shipment.objects.filter(
            lines__order_line_id__in=list(order_line_ids),
            status__in=[Shipment.Status.SHIPPED, Shipment.Status.DELIVERED],
        )
        .distinct()
        .order_by("pk")
    )
