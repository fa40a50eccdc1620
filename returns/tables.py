"""The returns list (o2c.tables, decision 0035)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html

from o2c.tables import BadgeColumn, DateColumn, LinkColumn, ListTable, QuantityColumn
from returns.models import Return

CSV_HEADER = [
    "number",
    "status",
    "order",
    "customer_code",
    "customer_name",
    "warehouse",
    "created_at",
    "received_at",
    "reason",
    "lines",
    "quantity",
    "received",
    "credit_notes",
]
NOWRAP = {"td": {"class": "text-nowrap"}}


class ReturnTable(ListTable):
    """Returns (`return_list`), newest first."""

    item_names = ("return", "returns")
    export_name = "returns"

    number = LinkColumn(viewname="returns:detail")
    status = BadgeColumn()
    order = tables.Column(accessor="order__number", attrs=NOWRAP)
    customer = tables.Column(accessor="customer", order_by=("customer__code",))
    warehouse = tables.Column(accessor="warehouse__code")
    reason = tables.Column()
    lines = tables.Column(accessor="line_total", attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    units = QuantityColumn(accessor="unit_total")
    received = QuantityColumn(accessor="received_total")
    created = DateColumn(accessor="created_at")
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", default="", attrs=NOWRAP)

    class Meta(ListTable.Meta):
        order_by = ("-created",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "returns"}
        row_attrs = {"data-testid": "return-row"}

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

    def render_reason(self, value):
        return truncatechars(value, 40)

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, rma: Return) -> list:
        return [
            rma.number,
            rma.status,
            rma.order.number,
            rma.customer.code,
            rma.customer.name,
            rma.warehouse.code,
            rma.created_at.isoformat(),
            rma.received_at.isoformat() if rma.received_at else "",
            rma.reason,
            rma.line_total,
            rma.unit_total,
            rma.received_total,
            " ".join(note.number for note in rma.credit_notes.all()),
        ]
