"""Order reads: lists free of N+1, and the figures other stages need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Sum, prefetch_related_objects

from o2c.money import ZERO_CENTS
from o2c.timeline import timeline_values
from orders.models import OrderEvent, SalesOrder, SalesOrderLine

# Approved orders whose value still counts toward the customer's exposure until invoiced.
EXPOSURE_STATUSES = (SalesOrder.Status.OPEN, SalesOrder.Status.FULFILLED)


def order_list(*, filters: dict[str, Any] | None = None) -> QuerySet[SalesOrder]:
    orders = SalesOrder.objects.select_related("customer", "warehouse", "created_by")
    for field, value in (filters or {}).items():
        if value not in (None, ""):
            orders = orders.filter(**{field: value})
    return orders


def order_get(*, order_id: int) -> SalesOrder:
    """One order with its lines, products and events, ready to render."""
    return (
        SalesOrder.objects.select_related("customer", "warehouse", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=SalesOrderLine.objects.select_related("product").order_by("position")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "pk")),
        )
        .get(pk=order_id)
    )


def order_detail_list() -> QuerySet[SalesOrder]:
    """Orders with lines and the ids of their documents prefetched: the API list serialises them
    without a query per order (shipments, invoices, their credit notes and payment allocations
    are other stages' rows, reached by relation name)."""
    return order_list().prefetch_related(
        Prefetch("lines", queryset=SalesOrderLine.objects.select_related("product").order_by("position")),
        "shipments",
        "invoices",
        "invoices__credit_notes",
        "invoices__allocations",
        "returns",  # returns/ (decision 0055)
        "quotation",  # the quotation it was accepted from (quotations/, decision 0053)
    )


def order_placed_detail(*, order: SalesOrder) -> SalesOrder:
    """An order just placed (in this transaction, not invoiced), ready for the API's answer from
    the object in hand: its lines read (one query); it has no shipments, invoices, credit notes,
    payments or returns yet, and no quotation (an accepted quotation's order is answered by the
    quotation's own step) (decision 0050)."""
    if "lines" not in getattr(order, "_prefetched_objects_cache", {}):
        order_lines_load(order=order)
    order._prefetched_objects_cache["shipments"] = order.shipments.none()  # type: ignore[attr-defined]
    order._prefetched_objects_cache["invoices"] = order.invoices.none()  # type: ignore[attr-defined]
    order._prefetched_objects_cache["returns"] = order.returns.none()  # type: ignore[attr-defined]
    SalesOrder.quotation.related.set_cached_value(order, None)  # placed through the API, not accepted
    return order


def order_lines_carry(*, order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    """Let `order` carry `lines` (just written, with their products) as `order_lines_load` would
    after reading them: the steps that follow in the same transaction read no lines again."""
    carried = order.lines.all()
    carried._result_cache = sorted(lines, key=lambda line: line.position)
    carried._prefetch_done = True  # type: ignore[attr-defined]
    if not hasattr(order, "_prefetched_objects_cache"):
        order._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    order._prefetched_objects_cache["lines"] = carried  # type: ignore[attr-defined]


def order_lines_of(*, order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines with their products, in position order: those it carries (read once by
    the step: `order_lines_load`, `order_lines_carry`), else read now (not kept)."""
    carried = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    if carried is not None:
        return list(carried)
    return list(SalesOrderLine.objects.filter(order=order).select_related("product").order_by("position"))


def order_lines_load(*, order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines with their products, read once and kept on the order object (a
    prefetch): the steps after the credit check (allocation, reservations, the services-only
    check) and the answer use them through `order.lines.all()` instead of reading them again;
    a filtered `order.lines` still reads the table."""
    getattr(order, "_prefetched_objects_cache", {}).pop("lines", None)
    prefetch_related_objects(
        [order],
        Prefetch("lines", queryset=SalesOrderLine.objects.select_related("product").order_by("position")),
    )
    return list(order.lines.all())


def uninvoiced_order_values(
    *, customer_ids: list[int], exclude_order_id: int | None = None
) -> dict[int, Decimal]:
    """Per customer, summed: the gross value of approved orders not yet invoiced (each order's
    total less its invoices' gross). The credit check reads the same figure kept on the customer
    (orders/services/exposure.py); this sum is what `manage.py credit_positions` checks it against."""
    orders = SalesOrder.objects.filter(customer_id__in=customer_ids, status__in=EXPOSURE_STATUSES)
    if exclude_order_id:
        orders = orders.exclude(pk=exclude_order_id)
    rows = orders.values("customer_id").annotate(value=Sum(F("total") - F("amount_invoiced")))
    return {row["customer_id"]: row["value"] for row in rows}


def order_exposure(order: SalesOrder, *, status: str | None = None) -> Decimal:
    """The order's share of its customer's open orders value (in `status`, else its own): an
    approved order (open, or fulfilled and not yet paid) counts with its total less what has been
    invoiced of it; a draft, held, closed or cancelled one counts nothing (decision 0050)."""
    if (status or order.status) not in EXPOSURE_STATUSES:
        return ZERO_CENTS
    return order.total - order.amount_invoiced


def backordered_lines(*, product_id: int, warehouse_id: int) -> QuerySet[SalesOrderLine]:
    """Open lines waiting for `product` in `warehouse`, oldest order first."""
    return (
        SalesOrderLine.objects.filter(
            product_id=product_id,
            quantity_backordered__gt=0,
            order__warehouse_id=warehouse_id,
            order__status=SalesOrder.Status.OPEN,
        )
        .select_related("order")
        .order_by("order__submitted_at", "order_id", "position")
    )


def backordered_quantities(*, warehouse_id: int | None = None) -> dict[tuple[int, int], Decimal]:
    """Backordered quantity per (product, warehouse) over open orders."""
    lines = SalesOrderLine.objects.filter(quantity_backordered__gt=0, order__status=SalesOrder.Status.OPEN)
    if warehouse_id:
        lines = lines.filter(order__warehouse_id=warehouse_id)
    rows = lines.values("product_id", "order__warehouse_id").annotate(quantity=Sum("quantity_backordered"))
    return {(row["product_id"], row["order__warehouse_id"]): row["quantity"] for row in rows}


def order_events(*, order_id: int) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order_id=order_id).select_related("actor").order_by("at", "pk")


def stock_products_by_warehouse(*, order_ids: Iterable[int]) -> dict[int, list[int]]:
    """The stock products of `order_ids` per warehouse (warehouse id → product ids in order):
    the stock levels a step that may allocate these orders locks in their place."""
    products: dict[int, set[int]] = {}
    for warehouse_id, product_id in SalesOrderLine.objects.filter(
        order_id__in=list(order_ids), is_stock=True
    ).values_list("order__warehouse_id", "product_id"):
        products.setdefault(warehouse_id, set()).add(product_id)
    return {warehouse_id: sorted(ids) for warehouse_id, ids in sorted(products.items())}


def reserved_product_ids(*, order_id: int) -> list[int]:
    """The products an order holds reservations of, in product order."""
    return sorted(
        set(
            SalesOrderLine.objects.filter(order_id=order_id, quantity_reserved__gt=0).values_list(
                "product_id", flat=True
            )
        )
    )


@dataclass(frozen=True)
class DeliveryAddress:
    """Where an order's goods go, and where that address comes from: `order` (its own ship-to),
    `shipping` or `billing` (the customer's, when the order has none), or `None` (nowhere)."""

    text: str
    source: str | None

    @property
    def fallback(self) -> bool:
        return self.source in ("shipping", "billing")


def order_delivery_address(*, order: SalesOrder) -> DeliveryAddress:
    """The order's ship-to, else the customer's shipping address, else its billing address."""
    customer = order.customer
    for source, text in (
        ("order", order.ship_to),
        ("shipping", customer.shipping_address),
        ("billing", customer.billing_address),
    ):
        if (text or "").strip():
            return DeliveryAddress(text=text.strip(), source=source)
    return DeliveryAddress(text="", source=None)


def held_and_listed_order_ids(
    *, customer_id: int, listed: QuerySet[Any, int] | None
) -> tuple[set[int], list[int]]:
    """In one statement: the ids of the orders `listed` (a query of order ids) and of the
    customer's held orders, and apart the held ones as `held_order_ids` gives them."""
    held = Q(customer_id=customer_id, status=SalesOrder.Status.ON_HOLD)
    rows = (
        SalesOrder.objects.filter(held | Q(pk__in=listed) if listed is not None else held)
        .order_by("submitted_at", "pk")
        .values_list("pk", "customer_id", "status")
    )
    every, held_ids = set(), []
    for pk, customer, status in rows:
        every.add(pk)
        if customer == customer_id and status == SalesOrder.Status.ON_HOLD:
            held_ids.append(pk)
    return every, held_ids


def held_order_ids(*, customer_id: int) -> QuerySet[SalesOrder, int]:
    """The ids of a customer's orders on credit hold, oldest submission first."""
    return (
        order_list(filters={"customer_id": customer_id, "status": SalesOrder.Status.ON_HOLD})
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )


def backordered_order_ids(*, product_ids: Iterable[int], warehouse_id: int) -> set[int]:
    """Open orders waiting for any of `product_ids` in `warehouse_id`."""
    return {
        line.order_id
        for product_id in product_ids
        for line in backordered_lines(product_id=product_id, warehouse_id=warehouse_id)
    }


def order_timeline(*, customer_id: int) -> list[QuerySet[Any]]:
    """The customer's orders' events as timeline rows (o2c.timeline)."""
    return [
        timeline_values(
            OrderEvent.objects.filter(order__customer_id=customer_id),
            source="order",
            at=F("at"),
            doc=F("order_id"),
            number=F("order__number"),
            event=F("event"),
            detail=F("detail"),
            amount=F("order__total"),
            currency=F("order__currency"),
            actor=F("actor__username"),
        )
    ]
