"""The orders list (o2c.tables, decision 0035)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html

from o2c.tables import AmountColumn, BadgeColumn, DateColumn, LinkColumn, ListTable
from orders.models import SalesOrder

CSV_HEADER = [
    "number",
    "order_date",
    "customer_code",
    "customer_name",
    "status",
    "fulfillment_status",
    "billing_status",
    "payment_status",
    "requested_delivery_date",
    "customer_reference",
    "warehouse",
    "currency",
    "net_total",
    "tax_total",
    "total",
    "credit_outcome",
    "credit_reason",
]


def customer_cell(customer) -> str:
    """A customer's code (its page) and its name, as the lists show a customer."""
    return format_html(
        '<a class="link-body-emphasis" href="{}">{}</a> <span class="text-secondary">{}</span>',
        reverse("customers:detail", args=[customer.pk]),
        customer.code,
        truncatechars(customer.name, 32),
    )


class OrderTable(ListTable):
    """Orders with their latest credit decision (`credit.selectors.with_latest_decision`)."""

    item_names = ("order", "orders")
    export_name = "orders"
    estimate_count = True  # a million orders: the header says "about" (decision 0069)

    number = LinkColumn(viewname="orders:detail")
    date = DateColumn(accessor="order_date", verbose_name="Date")
    customer = tables.Column(order_by=("customer__code",))
    status = BadgeColumn()
    fulfillment_status = BadgeColumn(verbose_name="Fulfilment")
    billing_status = BadgeColumn(verbose_name="Billing")
    payment_status = BadgeColumn(verbose_name="Payment")
    requested_delivery_date = DateColumn(verbose_name="Requested")
    customer_reference = tables.Column(verbose_name="PO reference")
    total = AmountColumn(currency="currency")
    credit_reason = tables.Column(
        verbose_name="Credit", attrs={"td": {"class": "small text-secondary max-w-18rem"}}
    )

    class Meta(ListTable.Meta):
        order_by = ("-date",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "orders"}

    def __init__(self, data: Any, *args: Any, decisions: Callable[[list], None] | None = None, **kwargs: Any):
        """`decisions`: sets the latest credit decision on a page's orders (when `data` is not
        annotated with it: `credit.selectors.latest_decisions_set`)."""
        super().__init__(data, *args, **kwargs)
        self.decisions = decisions

    def prepare_page(self, records: list[Any]) -> None:
        if self.decisions is not None:
            self.decisions(records)

    def render_customer(self, value):
        return customer_cell(value)

    def render_requested_delivery_date(self, value, record):
        if value is None:
            return "—"
        css = "text-danger" if record.late else ""
        return format_html('<span class="{}">{}</span>', css, value.strftime("%Y-%m-%d"))

    def render_customer_reference(self, value):
        return truncatechars(value, 24)

    def render_credit_reason(self, value, record):
        refused = record.credit_outcome in ("on_hold", "rejected")
        return format_html(
            '<span class="{}">{}</span>', "text-danger" if refused else "", truncatechars(value, 48)
        )

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, order: SalesOrder) -> list:
        return [
            order.number,
            order.order_date,
            order.customer.code,
            order.customer.name,
            order.status,
            order.fulfillment_status,
            order.billing_status,
            order.payment_status,
            order.requested_delivery_date or "",
            order.customer_reference,
            order.warehouse.code,
            order.currency,
            order.net_total,
            order.tax_total,
            order.total,
            order.credit_outcome or "",
            order.credit_reason or "",
        ]
