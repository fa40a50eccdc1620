"""The mandates list and the collection runs list (o2c.tables, decision 0035), each with CSV and
XLSX."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from o2c.tables import AmountColumn, BadgeColumn, DateColumn, LinkColumn, ListTable
from receivables.directdebit.models import Mandate

MANDATE_CSV = [
    "reference",
    "customer_code",
    "customer_name",
    "debtor_name",
    "iban",
    "bic",
    "scheme",
    "sequence",
    "status",
    "signed_on",
    "revoked_on",
    "revoke_reason",
]


class MandateTable(ListTable):
    item_names = ("mandate", "mandates")
    export_name = "mandates"

    reference = tables.Column(attrs={"td": {"class": "text-nowrap fw-semibold"}})
    customer = tables.Column(accessor="customer__code", order_by=("customer__code",))
    debtor_name = tables.Column(verbose_name="Account holder")
    iban = tables.Column(verbose_name="IBAN", attrs={"td": {"class": "text-nowrap font-monospace small"}})
    bic = tables.Column(verbose_name="BIC")
    scheme = tables.Column()
    sequence = tables.Column(verbose_name="Next")
    status = BadgeColumn()
    signed_on = DateColumn(verbose_name="Signed")
    revoke = tables.Column(accessor="pk", verbose_name="", orderable=False)

    class Meta(ListTable.Meta):
        order_by = ("customer",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "mandates"}
        row_attrs = {"data-testid": "mandate-row"}

    def render_revoke(self, record: Mandate) -> str:
        if record.status != Mandate.Status.ACTIVE:
            return format_html(
                '<span class="small text-secondary">{} {}</span>', record.revoked_on, record.revoke_reason
            )
        return format_html(
            '<form method="post" action="{}" class="d-flex gap-1">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="text" name="reason" maxlength="300" required class="form-control form-control-sm" '
            'placeholder="Reason" aria-label="Reason to revoke {}">'
            '<button type="submit" class="btn btn-outline-danger btn-sm">Revoke</button></form>',
            reverse("receivables:mandate-revoke", args=[record.pk]),
            self.csrf_token,
            record.reference,
        )

    csrf_token = ""

    def export_header(self) -> list[str]:
        return MANDATE_CSV

    def export_row(self, mandate: Mandate) -> list[Any]:
        return [
            mandate.reference,
            mandate.customer.code,
            mandate.customer.name,
            mandate.debtor_name,
            mandate.iban,
            mandate.bic,
            mandate.scheme,
            mandate.sequence,
            mandate.status,
            mandate.signed_on,
            mandate.revoked_on or "",
            mandate.revoke_reason,
        ]


class RunTable(ListTable):
    item_names = ("run", "runs")
    export_name = "direct-debit-runs"

    number = LinkColumn(viewname="receivables:direct-debit-run")
    due_by = DateColumn(verbose_name="Due by")
    collection_date = DateColumn(verbose_name="Collect on")
    items_count = tables.Column(verbose_name="Debits", attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    total = AmountColumn(currency="currency")
    created_at = tables.DateTimeColumn(verbose_name="Made", format="Y-m-d H:i")
    file = tables.Column(accessor="pk", verbose_name="File", orderable=False)

    class Meta(ListTable.Meta):
        order_by = ("-created_at",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "direct-debit-runs"}

    def render_file(self, record: Any) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("receivables:direct-debit-run-file", args=[record.pk]),
            record.file_name,
        )

    def export_header(self) -> list[str]:
        return [
            "number",
            "due_by",
            "collection_date",
            "debits",
            "currency",
            "total",
            "message_id",
            "created_at",
        ]

    def export_row(self, run: Any) -> list[Any]:
        return [
            run.number,
            run.due_by,
            run.collection_date,
            run.items_count,
            run.currency,
            run.total,
            run.message_id,
            run.created_at,
        ]
