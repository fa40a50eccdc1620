"""The customers list (o2c.tables, decision 0035)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from customers import selectors
from customers.models import Customer
from o2c.tables import AmountColumn, LinkColumn, ListTable

CSV_HEADER = [
    "code",
    "name",
    "email",
    "currency",
    "payment_terms_days",
    "credit_limit",
    "blocked",
    "dunning_enabled",
    "tax_exempt",
    "vat_number",
    "balance",
    "open_orders_value",
    "exposure",
    "overdue_amount",
    "unapplied_cash",
]
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


class CustomerTable(ListTable):
    """Customers with their credit position (balance, exposure, headroom), read once per page.
    The position columns are figures of the credit stage computed per page, not columns of
    the query, so they do not sort."""

    item_names = ("customer", "customers")
    export_name = "customers"

    code = LinkColumn(viewname="customers:detail", order_by=("code",))
    name = tables.Column(order_by=("name", "code"))
    email = tables.Column(
        verbose_name="E-mail", attrs={"td": {"class": "text-secondary"}}, order_by=("email", "code")
    )
    currency = tables.Column(order_by=("currency", "code"))
    payment_terms_days = tables.Column(
        verbose_name="Terms", attrs=NUM, order_by=("payment_terms_days", "code")
    )
    credit_limit = AmountColumn(default=mark_safe('<span class="text-secondary">unlimited</span>'))
    blocked = tables.Column(verbose_name="Status", order_by=("blocked", "code"))
    balance = AmountColumn(accessor="credit_position__balance", orderable=False)
    exposure = AmountColumn(accessor="credit_position__exposure", orderable=False)
    headroom = tables.Column(accessor="credit_position__headroom", orderable=False, attrs=NUM)

    class Meta(ListTable.Meta):
        order_by = ("name",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "customers"}

    def render_payment_terms_days(self, value):
        return f"{value} d"

    def render_blocked(self, value):
        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', "blocked")
        return format_html('<span class="badge text-bg-success">{}</span>', "active")

    def render_headroom(self, value):
        if value < 0:
            return format_html('<span class="text-danger">{}</span>', value)
        return value

    def prepare_page(self, records: list[Customer]) -> None:
        selectors.customers_with_positions(customers=records)

    def export_records(self):
        return selectors.customers_with_positions(customers=self.data.data)

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, customer: Customer) -> list:
        position = customer.credit_position
        return [
            customer.code,
            customer.name,
            customer.email,
            customer.currency,
            customer.payment_terms_days,
            customer.credit_limit if customer.credit_limit is not None else "",
            customer.blocked,
            customer.dunning_enabled,
            customer.tax_exempt,
            customer.vat_number,
            position.balance,
            position.open_orders_value,
            position.exposure,
            position.overdue_amount,
            position.unapplied_cash,
        ]
