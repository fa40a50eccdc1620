"""The warehouse lists: the pick queue and the shipments (o2c.tables, decision 0035). The pick
queue's rows are its own row partial (the lines left to pick and the pick buttons)."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from fulfillment import selectors
from fulfillment.models import Shipment
from o2c.tables import DateColumn, LinkColumn, ListTable, QuantityColumn

QUEUE_CSV_HEADER = [
    "order",
    "customer_code",
    "customer_name",
    "requested_delivery_date",
    "late",
    "warehouse",
    "line",
    "sku",
    "description",
    "to_pick",
]
SHIPMENT_CSV_HEADER = [
    "number",
    "status",
    "order",
    "customer_code",
    "customer_name",
    "warehouse",
    "created_at",
    "carrier",
    "tracking_number",
    "estimated_delivery",
    "shipped_at",
    "delivered_at",
    "late",
    "invoice",
    "lines",
    "quantity",
]


def shipment_csv_row(shipment: Shipment) -> list:
    """A shipment as a CSV row (`shipments_with_figures` has set its figures)."""
    return [
        shipment.number,
        shipment.status,
        shipment.order.number,
        shipment.order.customer.code,
        shipment.order.customer.name,
        shipment.warehouse.code,
        shipment.created_at.isoformat(),
        shipment.carrier,
        shipment.tracking_number,
        shipment.estimated_delivery or "",
        shipment.shipped_at.isoformat() if shipment.shipped_at else "",
        shipment.delivered_at.isoformat() if shipment.delivered_at else "",
        "yes" if shipment.is_late else "no",
        shipment.invoice_number,
        shipment.line_count,
        shipment.units,
    ]


class PickQueueTable(ListTable):
    """Open orders with allocated stock not yet on a pick list (`orders_ready_to_pick`); by
    default the oldest requested date first, orders without one last."""

    item_names = ("order to pick", "orders to pick")
    export_name = "pick-queue"

    order = tables.Column(accessor="number", verbose_name="Order", order_by=("number",))
    customer = tables.Column(order_by=("customer__code",))
    requested = tables.Column(accessor="requested_delivery_date")
    warehouse = tables.Column(accessor="warehouse__code")
    lines = tables.Column(verbose_name="Allocated, not yet picked", accessor="pk", orderable=False)
    units = tables.Column(accessor="to_pick", attrs={"th": {"class": "num"}})
    pick = tables.Column(accessor="pk", orderable=False, attrs={"th": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        template_name = "fulfillment/_pick_queue_table.html"
        order_by = ("requested",)
        attrs = {"class": "table table-sm mb-0 list-table queue", "data-testid": "pick-queue"}
        empty_text = "Nothing to pick: every allocated quantity is on a pick list."

    def order_requested(self, queryset, is_descending):
        requested = F("requested_delivery_date")
        first = requested.desc(nulls_last=True) if is_descending else requested.asc(nulls_last=True)
        return queryset.order_by(first, "submitted_at", "pk"), True

    def prepare_page(self, records: list) -> None:
        selectors.orders_with_lines_to_pick(orders=records, today=timezone.localdate())

    def export_header(self) -> list[str]:
        return QUEUE_CSV_HEADER

    def export_rows(self):
        orders = selectors.orders_with_lines_to_pick(orders=self.data.data, today=timezone.localdate())
        for order in orders:
            for line in order.lines_to_pick:
                yield [
                    order.number,
                    order.customer.code,
                    order.customer.name,
                    order.requested_delivery_date or "",
                    "yes" if order.is_late else "no",
                    order.warehouse.code,
                    line.position,
                    line.product.sku,
                    line.description,
                    line.to_pick,
                ]


NOWRAP = {"td": {"class": "text-nowrap"}}


class ShipmentTable(ListTable):
    """Shipments (`shipment_list` with `with_line_totals`), newest first."""

    item_names = ("shipment", "shipments")
    export_name = "shipments"

    number = LinkColumn(viewname="fulfillment:shipment")
    status = tables.Column(attrs=NOWRAP)
    order = tables.Column(accessor="order__number", attrs=NOWRAP)
    customer = tables.Column(accessor="order__customer", order_by=("order__customer__code",))
    warehouse = tables.Column(accessor="warehouse__code")
    lines = tables.Column(accessor="line_total", attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    units = QuantityColumn(accessor="unit_total")
    created = DateColumn(accessor="created_at")
    carrier = tables.Column(default="")
    tracking = tables.Column(
        accessor="tracking_number", default="", attrs={"td": {"class": "font-monospace small"}}
    )
    estimated_delivery = DateColumn(verbose_name="Est. delivery", default="")
    shipped = tables.DateTimeColumn(accessor="shipped_at", format="Y-m-d H:i", default="", attrs=NOWRAP)
    delivered = tables.DateTimeColumn(accessor="delivered_at", format="Y-m-d H:i", default="", attrs=NOWRAP)
    invoice = tables.Column(accessor="invoice__number", default="", attrs=NOWRAP)

    class Meta(ListTable.Meta):
        order_by = ("-created",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "shipments"}
        row_attrs = {"data-testid": "shipment-row"}

    def render_status(self, record):
        return get_template("fulfillment/_status.html").render({"shipment": record})

    def render_order(self, value, record):
        return format_html(
            '<a class="link-body-emphasis" href="{}">{}</a>',
            reverse("orders:detail", args=[record.order_id]),
            value,
        )

    def render_customer(self, value):
        return format_html(
            '<span class="fw-semibold">{}</span> <span class="text-secondary">{}</span>',
            value.code,
            truncatechars(value.name, 28),
        )

    def render_estimated_delivery(self, value, record):
        if not value:
            return ""
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if record.is_late else "", value.strftime("%Y-%m-%d")
        )

    def render_invoice(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("invoicing:detail", args=[record.invoice.pk]), value
        )

    def prepare_page(self, records: list) -> None:
        selectors.shipments_with_figures(shipments=records, today=timezone.localdate())

    def export_records(self):
        return selectors.shipments_with_figures(shipments=self.data.data, today=timezone.localdate())

    def export_header(self) -> list[str]:
        return SHIPMENT_CSV_HEADER

    def export_row(self, shipment: Shipment) -> list:
        return shipment_csv_row(shipment)
