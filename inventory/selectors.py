"""Inventory reads: the catalogue with what is available, stock levels with backorders, stock
moves. Every list costs a fixed number of queries, however many rows it has."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from inventory.models import Product, StockLevel, StockMove, Warehouse
from o2c.money import ZERO_QUANTITY

M = TypeVar("M", bound=Model)

QUANTITY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=15, decimal_places=3)
PRODUCT_ORDERING_FIELDS = (
    "sku",
    "name",
    "kind",
    "unit_price",
    "tax_rate",
    "standard_cost",
    "active",
    "available",
)
STOCK_ORDERING_FIELDS = ("product__sku", "warehouse__code", "on_hand", "reserved", "available")


def _filtered(queryset: QuerySet[M], filters: dict[str, Any] | None, allowed: dict[str, str]) -> QuerySet[M]:
    """Apply `filters` whose names are in `allowed` (name → lookup); empty values are ignored."""
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if name not in allowed:
            raise ValueError(f"unknown filter {name}")
        queryset = queryset.filter(**{allowed[name]: value})
    return queryset


def product_list(*, filters: dict[str, Any] | None = None, search: str | None = None) -> QuerySet[Product]:
    """Products annotated with `available` (on hand − reserved over all warehouses; 0 for
    services), filtered by `sku`, `kind`, `active` and `search` (SKU or name)."""
    per_product = (
        StockLevel.objects.filter(product=OuterRef("pk"))
        .values("product")
        .annotate(total=Sum(F("on_hand") - F("reserved")))
        .values("total")
    )
    products = Product.objects.annotate(
        available=Case(
            When(kind=Product.Kind.SERVICE, then=Value(ZERO_QUANTITY)),
            default=Coalesce(Subquery(per_product, output_field=QUANTITY), Value(ZERO_QUANTITY)),
            output_field=QUANTITY,
        )
    )
    products = _filtered(products, filters, {"sku": "sku__iexact", "kind": "kind", "active": "active"})
    if search:
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    return products.order_by("sku")


def product_get(*, product_id: int) -> Product:
    return product_list().get(pk=product_id)


def product_options(*, search: str = "", limit: int = 20) -> QuerySet[Product]:
    """Active stock products matching `search` best first (SKU prefix, then name), for a picker."""
    products = Product.objects.filter(kind=Product.Kind.STOCK, active=True)
    search = search.strip()
    if search:
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search)).annotate(
            rank=Case(When(sku__istartswith=search, then=Value(0)), default=Value(1))
        )
        return products.order_by("rank", "sku")[:limit]
    return products.order_by("sku")[:limit]


def warehouse_list() -> QuerySet[Warehouse]:
    return Warehouse.objects.order_by("code")


def stock_level_list(
    *, filters: dict[str, Any] | None = None, search: str | None = None
) -> QuerySet[StockLevel]:
    """Stock levels with product and warehouse, annotated `available_quantity`, filtered by
    `product` and `warehouse` (ids) and `search` (SKU or product name)."""
    levels = StockLevel.objects.select_related("product", "warehouse").annotate(
        available_quantity=ExpressionWrapper(F("on_hand") - F("reserved"), output_field=QUANTITY)
    )
    levels = _filtered(levels, filters, {"product": "product_id", "warehouse": "warehouse_id"})
    if search:
        levels = levels.filter(Q(product__sku__icontains=search) | Q(product__name__icontains=search))
    return levels.order_by("product__sku", "warehouse__code")


# What open orders wait for, per (product id, warehouse id), is for the orders to say: master data
# imports no stage, so orders hands its reader in at start-up (orders/apps.py; decision 0040).
BackorderedReader = Callable[..., dict[tuple[int, int], Decimal]]
_backordered_reader: BackorderedReader | None = None


def backordered_reader_set(reader: BackorderedReader) -> None:
    """Install the reader of backordered quantities (`reader(warehouse_id=...)`)."""
    global _backordered_reader
    _backordered_reader = reader


def stock_levels_with_backorders(
    *, levels: Sequence[StockLevel], warehouse_id: int | None = None
) -> list[StockLevel]:
    """`levels`, each with `backordered` set: what open orders wait for there (one query)."""
    levels = list(levels)
    if not levels:
        return levels
    if _backordered_reader is None:
        raise RuntimeError("no reader of backordered quantities: is the orders app installed?")
    backordered = _backordered_reader(warehouse_id=warehouse_id)
    for level in levels:
        level.backordered = backordered.get((level.product_id, level.warehouse_id), ZERO_QUANTITY)  # type: ignore[attr-defined]
    return levels


def stock_level_get(*, product_id: int, warehouse_id: int) -> StockLevel | None:
    return stock_level_list(filters={"product": product_id, "warehouse": warehouse_id}).first()


def stock_move_list(
    *, filters: dict[str, Any] | None = None, search: str | None = None
) -> QuerySet[StockMove]:
    """Stock moves, latest first, filtered by `product`, `warehouse` (ids), `kind` and `search`
    (SKU or product name, or the move's reference)."""
    moves = StockMove.objects.select_related("product", "warehouse", "created_by")
    moves = _filtered(moves, filters, {"product": "product_id", "warehouse": "warehouse_id", "kind": "kind"})
    if search:
        moves = moves.filter(
            Q(product__sku__icontains=search)
            | Q(product__name__icontains=search)
            | Q(reference__icontains=search)
        )
    return moves.order_by("-created_at", "-pk")


def stock_available(*, product_ids: Iterable[int | None], warehouse_id: int | None) -> dict[int, Decimal]:
    """On hand − reserved per product in one warehouse, in one query."""
    ids = {pid for pid in product_ids if pid}
    if not ids or not warehouse_id:
        return {}
    levels = stock_level_list(filters={"warehouse": warehouse_id}).filter(product_id__in=ids)
    return dict(levels.values_list("product_id", "available_quantity"))  # type: ignore[misc]  # an annotation


def products_by_id(*, product_ids: Iterable[int | None]) -> dict[int, Product]:
    ids = {pid for pid in product_ids if pid}
    return product_list().in_bulk(ids) if ids else {}


def products_by_sku(*, skus: Iterable[str]) -> dict[str, Product]:
    """The products of `skus` (those that exist), by SKU: what an import matches rows to."""
    wanted = sorted(set(skus))
    found: dict[str, Product] = {}
    for start in range(0, len(wanted), 5000):
        found.update(
            (product.sku, product) for product in Product.objects.filter(sku__in=wanted[start : start + 5000])
        )
    return found


def warehouses_by_code(*, codes: Iterable[str]) -> dict[str, Warehouse]:
    return {warehouse.code: warehouse for warehouse in Warehouse.objects.filter(code__in=set(codes))}


def stock_reserved(*, product_ids: Iterable[int]) -> dict[tuple[int, int], Decimal]:
    """What is reserved of `product_ids`, by (product id, warehouse id), where anything is."""
    return {
        (product_id, warehouse_id): reserved
        for product_id, warehouse_id, reserved in StockLevel.objects.filter(
            product_id__in=set(product_ids), reserved__gt=0
        ).values_list("product_id", "warehouse_id", "reserved")
    }


def products_holding_stock(*, product_ids: Iterable[int]) -> set[int]:
    """Those of `product_ids` with stock on hand or reserved somewhere."""
    return set(
        StockLevel.objects.filter(product_id__in=set(product_ids))
        .exclude(on_hand=0, reserved=0)
        .values_list("product_id", flat=True)
    )


def stock_level_keys(*, product_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(product id, warehouse id) of the stock levels `product_ids` have."""
    return set(
        StockLevel.objects.filter(product_id__in=set(product_ids)).values_list("product_id", "warehouse_id")
    )
