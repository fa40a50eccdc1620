"""The inventory lists: products, stock levels, stock moves (o2c.tables, decision 0035)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from inventory import selectors
from inventory.models import Product, StockLevel, StockMove
from o2c.tables import AmountColumn, ListTable, QuantityColumn

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def active_badge(active: bool) -> str:
    if active:
        return format_html('<span class="badge text-bg-success">{}</span>', "active")
    return format_html('<span class="badge text-bg-secondary">{}</span>', "inactive")


class ProductTable(ListTable):
    item_names = ("product", "products")
    export_name = "products"

    sku = tables.Column(verbose_name="SKU")
    name = tables.Column(order_by=("name", "sku"))
    kind = tables.Column(order_by=("kind", "sku"))
    unit_price = AmountColumn(order_by=("unit_price", "sku"))
    tax_rate = tables.Column(verbose_name="Tax %", attrs=NUM, order_by=("tax_rate", "sku"))
    standard_cost = AmountColumn(order_by=("standard_cost", "sku"))
    available = tables.Column(attrs=NUM, empty_values=(), order_by=("available", "sku"))
    active = tables.Column(verbose_name="Status", order_by=("active", "sku"))

    class Meta(ListTable.Meta):
        order_by = ("sku",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "products"}

    def render_sku(self, value, record: Product):
        if record.kind != Product.Kind.STOCK:
            return value
        url = f"{reverse('inventory:stock')}?{urlencode({'q': value})}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_available(self, value, record: Product):
        if record.kind != Product.Kind.STOCK:
            return format_html('<span class="text-secondary">{}</span>', "—")
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if value <= 0 else "", floatformat(value, "-3")
        )

    def render_active(self, value):
        return active_badge(value)

    def export_header(self) -> list[str]:
        return ["sku", "name", "kind", "unit_price", "tax_rate", "standard_cost", "active", "available"]

    def export_row(self, p: Product) -> list:
        return [p.sku, p.name, p.kind, p.unit_price, p.tax_rate, p.standard_cost, p.active, p.available]


class StockTable(ListTable):
    """Stock levels; `backordered` is what open orders wait for, read once per page, so it does
    not sort."""

    item_names = ("stock level", "stock levels")
    export_name = "stock"

    sku = tables.Column(
        verbose_name="SKU", accessor="product__sku", order_by=("product__sku", "warehouse__code")
    )
    product = tables.Column(accessor="product__name", order_by=("product__name", "warehouse__code"))
    warehouse = tables.Column(accessor="warehouse__code", order_by=("warehouse__code", "product__sku"))
    on_hand = QuantityColumn(order_by=("on_hand", "product__sku"))
    reserved = QuantityColumn(order_by=("reserved", "product__sku"))
    available = QuantityColumn(accessor="available_quantity", order_by=("available_quantity", "product__sku"))
    backordered = tables.Column(attrs=NUM, orderable=False, empty_values=())

    class Meta(ListTable.Meta):
        order_by = ("sku",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "stock"}

    def __init__(self, data, *, warehouse_id: int | None = None, **kwargs):
        self.warehouse_id = warehouse_id
        super().__init__(data, **kwargs)

    def render_available(self, value):
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if value <= 0 else "", floatformat(value, "-3")
        )

    def render_backordered(self, value):
        if value:
            return format_html('<span class="badge text-bg-warning">{}</span>', floatformat(value, "-3"))
        return format_html('<span class="text-secondary">{}</span>', "0")

    def prepare_page(self, records: list[StockLevel]) -> None:
        selectors.stock_levels_with_backorders(levels=records, warehouse_id=self.warehouse_id)

    def export_records(self):
        return selectors.stock_levels_with_backorders(levels=self.data.data, warehouse_id=self.warehouse_id)

    def export_header(self) -> list[str]:
        return ["sku", "product", "warehouse", "on_hand", "reserved", "available", "backordered"]

    def export_row(self, level: StockLevel) -> list:
        return [
            level.product.sku,
            level.product.name,
            level.warehouse.code,
            level.on_hand,
            level.reserved,
            level.available,
            level.backordered,
        ]


class StockMoveTable(ListTable):
    item_names = ("move", "moves")
    export_name = "stock-moves"

    created_at = tables.DateTimeColumn(
        verbose_name="When", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    kind = tables.Column(order_by=("kind", "-created_at"))
    sku = tables.Column(verbose_name="SKU", accessor="product__sku", order_by=("product__sku", "-created_at"))
    product = tables.Column(accessor="product__name", order_by=("product__name", "-created_at"))
    warehouse = tables.Column(accessor="warehouse__code", order_by=("warehouse__code", "-created_at"))
    quantity = QuantityColumn(order_by=("quantity", "-created_at"))
    reference = tables.Column(order_by=("reference", "-created_at"))
    created_by = tables.Column(
        verbose_name="By",
        accessor="created_by__username",
        default="system",
        attrs={"td": {"class": "text-secondary"}},
    )

    class Meta(ListTable.Meta):
        order_by = ("-created_at",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "moves"}

    def render_quantity(self, value):
        sign = "+" if value > 0 else ""
        return format_html(
            '<span class="{}">{}{}</span>', "text-danger" if value < 0 else "", sign, floatformat(value, "-3")
        )

    def export_header(self) -> list[str]:
        return ["created_at", "kind", "sku", "product", "warehouse", "quantity", "reference", "by"]

    def export_row(self, move: StockMove) -> list:
        return [
            move.created_at.isoformat(),
            move.kind,
            move.product.sku,
            move.product.name,
            move.warehouse.code,
            move.quantity,
            move.reference,
            move.created_by.username if move.created_by else "",
        ]
