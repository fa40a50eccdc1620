"""The bank lists: the statements, and one statement's lines (o2c.tables, decision 0035). A
line's row is the statement page's own `line` partial, with its confirm, edit and ignore
buttons, so that the htmx answers and the page draw the same row."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html

from o2c.tables import ListTable
from receivables.bank import selectors
from receivables.bank.models import BankStatement, BankStatementLine

STATEMENT_CSV_HEADER = [
    "id",
    "file_name",
    "format",
    "uploaded_at",
    "uploaded_by",
    "status",
    "lines",
    "credits",
    "recorded",
    "to_confirm",
]
LINE_CSV_HEADER = [
    "line",
    "booking_date",
    "amount",
    "currency",
    "counterparty",
    "counterparty_account",
    "reference",
    "bank_reference",
    "status",
    "customer_code",
    "customer_name",
    "allocations",
    "unapplied",
    "note",
    "payment",
]
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


class StatementTable(ListTable):
    """Statements (`receivables.bank.selectors.statement_list`, its counts annotated), newest
    first."""

    item_names = ("statement", "statements")
    export_name = "bank-statements"

    file = tables.Column(accessor="file_name", order_by=("file_name",))
    format = tables.Column()
    uploaded = tables.DateTimeColumn(
        accessor="uploaded_at", format="Y-m-d H:i", attrs={"td": {"class": "text-nowrap"}}
    )
    by = tables.Column(accessor="uploaded_by__username", order_by=("uploaded_by__username",))
    lines = tables.Column(accessor="line_count", attrs=NUM)
    credits = tables.Column(attrs=NUM, empty_values=())
    recorded = tables.Column(attrs=NUM)
    to_review = tables.Column(
        accessor="to_confirm",
        attrs={
            "th": {"class": "num"},
            "td": {"class": lambda record: "num fw-semibold" if record.to_confirm else "num"},
        },
    )
    status = tables.Column(attrs={"td": {"class": "text-nowrap"}})

    class Meta(ListTable.Meta):
        order_by = ("-uploaded",)
        attrs = {
            "class": "table table-sm table-hover mb-0 align-middle list-table statements",
            "data-testid": "statements",
        }
        row_attrs = {"data-testid": "statement-row"}
        empty_text = "No statements yet: upload your bank's CSV export or CAMT.053 file above."

    def render_file(self, value: str, record: BankStatement) -> str:
        link = format_html(
            '<a class="fw-semibold" href="{}">{}</a>',
            reverse("receivables:bank-statement", args=[record.pk]),
            value,
        )
        if record.mapping and record.mapping.name:
            return format_html('{}<div class="small text-secondary">{}</div>', link, record.mapping.name)
        return link

    def render_credits(self, value: Any) -> str:
        return intcomma(floatformat(value or 0, 2))

    def render_status(self, record: BankStatement) -> str:
        return get_template("receivables/bank/_statement_status_cell.html").render({"statement": record})

    def export_header(self) -> list[str]:
        return STATEMENT_CSV_HEADER

    def export_row(self, statement: BankStatement) -> list[Any]:
        return [
            statement.pk,
            statement.file_name,
            statement.format,
            statement.uploaded_at.isoformat(),
            statement.uploaded_by.username if statement.uploaded_by else "",
            statement.status,
            statement.line_count,
            statement.credits or "0.00",
            statement.recorded,
            statement.to_confirm,
        ]


class LineTable(ListTable):
    """A statement's lines (`receivables.bank.selectors.statement_lines`), in file order, 100 a
    page; their allocations are read once per page (`lines_with_invoices`)."""

    item_names = ("line", "lines")

    line = tables.Column(accessor="line_no", verbose_name="#", attrs={"th": {"class": "num"}})
    date = tables.Column(accessor="booking_date")
    amount = tables.Column(attrs={"th": {"class": "num"}})
    counterparty = tables.Column()
    reference = tables.Column()
    customer = tables.Column(order_by=("customer__code",))
    allocations = tables.Column(accessor="pk", orderable=False)
    status = tables.Column()
    actions = tables.Column(
        accessor="pk", orderable=False, verbose_name="", attrs={"th": {"class": "text-end"}}
    )

    class Meta(ListTable.Meta):
        template_name = "receivables/bank/_lines_table.html"
        order_by = ("line",)
        per_page = 100
        attrs = {"class": "table table-sm mb-0 list-table bank-lines", "data-testid": "bank-lines"}

    def __init__(self, data: Any, *, statement: BankStatement, **kwargs: Any) -> None:
        self.export_name = f"bank-statement-{statement.pk}"
        super().__init__(data, **kwargs)

    def prepare_page(self, records: list[Any]) -> None:
        selectors.lines_with_invoices(records)

    def export_records(self) -> list[Any]:
        return selectors.lines_with_invoices(self.data.data)

    def export_header(self) -> list[str]:
        return LINE_CSV_HEADER

    def export_row(self, line: BankStatementLine) -> list[Any]:
        return [
            line.line_no,
            line.booking_date,
            line.amount,
            line.currency,
            line.counterparty,
            line.counterparty_account,
            line.reference,
            line.bank_reference,
            line.status,
            line.customer.code if line.customer else "",
            line.customer.name if line.customer else "",
            "; ".join(f"{number} {amount}" for number, amount in line.allocation_rows),
            line.unapplied if line.customer else "",
            line.match_note,
            line.payment.number if line.payment else "",
        ]
