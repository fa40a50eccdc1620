"""The quotations list (o2c.tables, decision 0035)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from o2c.tables import AmountColumn, BadgeColumn, DateColumn, LinkColumn, ListTable
from orders.tables import customer_cell
from quotations.models import Quotation

CSV_HEADER = [
    "number",
    "quotation_date",
    "valid_until",
    "customer_code",
    "customer_name",
    "status",
    "customer_reference",
    "currency",
    "net_total",
    "tax_total",
    "total",
    "order",
    "decline_reason",
]


class QuotationTable(ListTable):
    item_names = ("quotation", "quotations")
    export_name = "quotations"

    number = LinkColumn(viewname="quotations:detail")
    date = DateColumn(accessor="quotation_date", verbose_name="Date")
    valid_until = DateColumn(verbose_name="Valid until")
    customer = tables.Column(order_by=("customer__code",))
    status = BadgeColumn()
    customer_reference = tables.Column(verbose_name="Reference")
    total = AmountColumn(currency="currency")
    order = tables.Column(verbose_name="Order", order_by=("order__number",))

    class Meta(ListTable.Meta):
        order_by = ("-date",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "quotations"}

    def render_customer(self, value):
        return customer_cell(value)

    def render_order(self, value):
        return format_html('<a href="{}">{}</a>', reverse("orders:detail", args=[value.pk]), value.number)

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, quotation: Quotation) -> list:
        return [
            quotation.number,
            quotation.quotation_date,
            quotation.valid_until,
            quotation.customer.code,
            quotation.customer.name,
            quotation.status,
            quotation.customer_reference,
            quotation.currency,
            quotation.net_total,
            quotation.tax_total,
            quotation.total,
            quotation.order.number if quotation.order else "",
            quotation.decline_reason,
        ]
