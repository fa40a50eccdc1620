"""The disputes work list (o2c.tables, decision 0035): open disputes, oldest first. Each row is
the list's own row partial, with the inline resolve form, so that the htmx answers and the page
draw the same row. `?sort=amount` keeps its meaning of before: the largest first."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from o2c.tables import ListTable
from receivables.disputes import selectors
from receivables.disputes.models import Dispute

CSV_HEADER = [
    "id",
    "opened_on",
    "days_open",
    "status",
    "owner",
    "customer_code",
    "customer_name",
    "invoice",
    "currency",
    "amount",
    "invoice_balance",
    "reason",
    "note",
    "resolved_on",
    "resolution_note",
    "credit_note",
]
NUM = {"th": {"class": "num"}}


def user_label(user: Any) -> str:
    return (user.get_full_name() or user.username) if user else ""


class DisputeTable(ListTable):
    item_names = ("dispute", "disputes")
    export_name = "disputes"

    age = tables.Column(accessor="opened_on", verbose_name="Opened", order_by=("opened_on",))
    days_open = tables.Column(accessor="pk", attrs=NUM)
    owner = tables.Column(order_by=("owner__username",))
    customer = tables.Column(order_by=("customer__code", "opened_on"))
    invoice = tables.Column(order_by=("invoice__number",))
    amount = tables.Column(verbose_name="Disputed", order_by=("-amount",), attrs=NUM)
    balance = tables.Column(accessor="invoice__balance", verbose_name="Invoice balance", attrs=NUM)
    reason = tables.Column(attrs={"th": {"class": "note"}})
    resolve = tables.Column(accessor="pk", orderable=False)

    class Meta(ListTable.Meta):
        template_name = "receivables/disputes/_table.html"
        order_by = ("age",)
        attrs = {"class": "table table-sm mb-0 list-table disputes", "data-testid": "disputes"}

    def order_days_open(
        self, queryset: QuerySet[Dispute], is_descending: bool
    ) -> tuple[QuerySet[Dispute], bool]:
        open_for = Coalesce(F("resolved_on"), timezone.localdate()) - F("opened_on")
        return queryset.order_by(open_for.desc() if is_descending else open_for.asc(), "pk"), True

    def prepare_page(self, records: list[Any]) -> None:
        selectors.disputes_with_age(disputes=records)

    def export_records(self) -> list[Any]:
        return selectors.disputes_with_age(disputes=self.data.data.prefetch_related(None).iterator())

    def export_header(self) -> list[str]:
        return CSV_HEADER

    def export_row(self, dispute: Dispute) -> list[Any]:
        return [
            dispute.pk,
            dispute.opened_on,
            dispute.days_open,
            dispute.status,
            user_label(dispute.owner),
            dispute.customer.code,
            dispute.customer.name,
            dispute.invoice.number,
            dispute.invoice.currency,
            dispute.amount,
            dispute.invoice.balance,
            dispute.reason,
            dispute.note,
            dispute.resolved_on or "",
            dispute.resolution_note,
            dispute.credit_note.number if dispute.credit_note else "",
        ]
