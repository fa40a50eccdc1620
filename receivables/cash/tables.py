"""The payments list (o2c.tables, decision 0035)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join

from o2c.tables import AmountColumn, DateColumn, LinkColumn, ListTable
from receivables.cash.models import Payment

CSV_HEADER = [
    "number",
    "received_on",
    "customer_code",
    "customer_name",
    "currency",
    "amount",
    "amount_applied",
    "amount_refunded",
    "unapplied_amount",
    "method",
    "reference",
    "source",
    "status",
    "reversed_on",
    "reversal_reason",
    "invoices",
]
MUTED = '<span class="text-secondary">{}</span>'


class PaymentTable(ListTable):
    """Payments (`receivables.cash.selectors.payment_list`), latest received first. "Applied to"
    lists the invoices of the prefetched allocations; it does not sort."""

    item_names = ("payment", "payments")
    export_name = "payments"

    number = LinkColumn(viewname="receivables:payment-detail")
    date = DateColumn(accessor="received_on", verbose_name="Received")
    customer = tables.Column(order_by=("customer__code",))
    method = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    reference = tables.Column(attrs={"td": {"class": "text-truncate max-w-14rem"}})
    applied_to = tables.Column(accessor="pk", orderable=False, attrs={"td": {"class": "small"}})
    amount = AmountColumn(
        currency="currency", attrs={"th": {"class": "num"}, "td": {"class": "num fw-semibold"}}
    )
    unapplied = tables.Column(
        accessor="unapplied_amount",
        attrs={
            "th": {"class": "num"},
            "td": {
                "class": lambda record: (
                    "num text-warning-emphasis fw-semibold" if record.unapplied_amount else "num"
                ),
                "data-testid": "unapplied",
            },
        },
        empty_values=(),
    )
    status = tables.Column(order_by=("status", "-amount_refunded"))

    class Meta(ListTable.Meta):
        order_by = ("-date",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "payments"}
        row_attrs = {"data-testid": "payment-row"}

    def render_customer(self, value: Any) -> str:
        return format_html(
            '<span class="fw-semibold">{}</span> <span class="text-secondary">{}</span>',
            value.code,
            truncatechars(value.name, 28),
        )

    def render_method(self, value: str, record: Payment) -> str:
        if record.source == "manual":
            return value
        return format_html(
            '{} <span class="badge bg-body-secondary text-body-secondary border">{}</span>',
            value,
            record.get_source_display().lower(),
        )

    def render_reference(self, value: str) -> str:
        return format_html('<span title="{}">{}</span>', value, value)

    def render_applied_to(self, record: Payment) -> str:
        numbers = [(a.invoice.number,) for a in record.allocations.all() if not a.reversed_on]
        if not numbers:
            return format_html(MUTED, "—")
        return format_html_join(", ", '<span class="text-nowrap">{}</span>', numbers)

    def render_unapplied(self, value: Any) -> str:
        return intcomma(value) if value else format_html(MUTED, "—")

    def render_status(self, record: Payment) -> str:
        if record.status == "reversed":
            return format_html('<span class="badge text-bg-danger">{}</span>', "reversed")
        if record.amount_refunded:
            return format_html(
                '<span class="badge bg-info-subtle text-info-emphasis border border-info-subtle">refunded {}</span>',
                intcomma(record.amount_refunded),
            )
        return format_html(
            '<span class="badge bg-success-subtle text-success-emphasis border border-success-subtle">{}</span>',
            "posted",
        )

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, payment: Payment) -> list[Any]:
        return [
            payment.number,
            payment.received_on,
            payment.customer.code,
            payment.customer.name,
            payment.currency,
            payment.amount,
            payment.amount_applied,
            payment.amount_refunded,
            payment.unapplied_amount,
            payment.method,
            payment.reference,
            payment.source,
            payment.status,
            payment.reversed_on or "",
            payment.reversal_reason,
            " ".join(
                f"{allocation.invoice.number}:{allocation.amount}"
                for allocation in payment.allocations.all()
                if allocation.reversed_on is None
            ),
        ]
