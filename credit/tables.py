"""The credit hold queue (o2c.tables, decision 0035): each row is the queue's own row partial,
with the release and reject form, so that the htmx answers and the page draw the same row."""

from __future__ import annotations

import django_tables2 as tables

from credit import selectors
from o2c.tables import ListTable

CSV_HEADER = [
    "order",
    "customer_code",
    "customer_name",
    "risk_score",
    "risk_factors",
    "on_hold_since",
    "days_on_hold",
    "currency",
    "order_total",
    "reason",
    "open_receivables",
    "other_open_orders",
    "this_order",
    "exposure",
    "credit_limit",
    "over_limit_by",
]
NUM = {"th": {"class": "num"}}


class HoldTable(ListTable):
    """Orders on credit hold, oldest first (`credit.selectors.hold_queue`)."""

    item_names = ("order waiting", "orders waiting")
    export_name = "credit-holds"

    order = tables.Column(accessor="number", verbose_name="Order", order_by=("submitted_at", "number"))
    customer = tables.Column(order_by=("customer__code",))
    risk = tables.Column(
        accessor="risk_score",
        attrs={"th": {"class": "num", "title": "the customer's risk score, 0 (safe) to 100 (risky)"}},
    )
    reason = tables.Column(accessor="credit_reason", attrs={"th": {"class": "reason"}})
    receivables = tables.Column(
        accessor="credit_open_receivables", attrs={"th": {"class": "num", "title": "open receivables"}}
    )
    other_orders = tables.Column(
        accessor="credit_open_orders",
        attrs={"th": {"class": "num", "title": "other approved orders not yet invoiced"}},
    )
    this_order = tables.Column(accessor="credit_order_total", attrs=NUM)
    exposure = tables.Column(accessor="credit_exposure", attrs=NUM)
    limit = tables.Column(accessor="credit_limit_at_decision", attrs=NUM)
    decision = tables.Column(accessor="pk", orderable=False, attrs={"th": {"class": "decision"}})

    class Meta(ListTable.Meta):
        template_name = "credit/_hold_table.html"
        order_by = ("order",)
        attrs = {"class": "table table-sm mb-0 list-table holds", "data-testid": "holds"}
        empty_text = "No orders are on credit hold."

    def prepare_page(self, records: list) -> None:
        selectors.held_orders_with_figures(orders=records)

    def export_records(self):
        return selectors.held_orders_with_figures(orders=self.data.data)

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, order) -> list:
        decision = order.decision
        return [
            order.number,
            order.customer.code,
            order.customer.name,
            "" if order.risk_score is None else order.risk_score,
            order.risk_summary or "",
            order.held_since,
            order.days_on_hold,
            order.currency,
            order.total,
            decision.reason if decision else "",
            decision.open_receivables if decision else "",
            decision.open_orders if decision else "",
            decision.order_total if decision else "",
            decision.exposure if decision else "",
            decision.credit_limit if decision and decision.credit_limit is not None else "",
            order.over_limit_by or "",
        ]
