"""The invoicing lists: invoices and credit notes (o2c.tables, decision 0035). Their delivery
status ("Sent") is read once per page; it sorts by the time the document was e-mailed."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import truncatechars
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html

from invoicing.delivery import credit_note_delivery_statuses, invoice_delivery_statuses
from invoicing.models import CreditNote, Invoice
from o2c.tables import AmountColumn, DateColumn, LinkColumn, ListTable

INVOICE_CSV_HEADER = [
    "number",
    "issue_date",
    "due_date",
    "customer_code",
    "customer_name",
    "order",
    "shipment",
    "customer_reference",
    "currency",
    "net_total",
    "tax_total",
    "total",
    "amount_paid",
    "amount_credited",
    "amount_written_off",
    "balance",
    "days_overdue",
    "status",
    "emailed_at",
]
CREDIT_NOTE_CSV_HEADER = [
    "number",
    "issue_date",
    "invoice",
    "customer_code",
    "customer_name",
    "currency",
    "net_total",
    "tax_total",
    "total",
    "reason",
    "emailed_at",
]
NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


def customer_name_cell(customer) -> str:
    return format_html(
        '<span class="fw-semibold">{}</span> <span class="text-secondary">{}</span>',
        customer.code,
        truncatechars(customer.name, 28),
    )


def delivery_cell(delivery) -> str:
    return get_template("invoicing/_delivery.html").render({"delivery": delivery})


class InvoiceTable(ListTable):
    """Invoices (`invoicing.selectors.invoice_list`, with `days_overdue`), newest first."""

    item_names = ("invoice", "invoices")
    export_name = "invoices"

    number = LinkColumn(viewname="invoicing:detail")
    customer = tables.Column(order_by=("customer__code",))
    order = tables.Column(accessor="order__number", attrs={"td": {"class": "text-nowrap"}})
    issued = DateColumn(accessor="issue_date")
    due = tables.Column(accessor="due_date", attrs={"td": {"class": "text-nowrap"}})
    total = AmountColumn(currency="currency")
    balance = tables.Column(attrs={"th": {"class": "num"}, "td": {"class": "num fw-semibold"}})
    days_overdue = tables.Column(
        attrs={"th": {"class": "num"}, "td": {"class": "num", "data-testid": "days-overdue"}}
    )
    status = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    sent = tables.Column(accessor="emailed_at", empty_values=())
    pdf = tables.Column(accessor="pk", verbose_name="", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        order_by = ("-issued",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "invoices"}
        row_attrs = {"data-testid": "invoice-row"}

    def render_customer(self, value):
        return customer_name_cell(value)

    def render_order(self, value, record):
        if record.order_id is None:  # an opening invoice (imported)
            return format_html('<span class="text-secondary">{}</span>', record.previous_number or "—")
        url = reverse("orders:detail", args=[record.order_id])
        return format_html('<a class="link-body-emphasis" href="{}">{}</a>', url, value)

    def render_due(self, value, record):
        css = "text-danger" if record.days_overdue else ""
        return format_html('<span class="{}">{}</span>', css, value.strftime("%Y-%m-%d"))

    def render_balance(self, value):
        if value:
            return intcomma(value)
        return format_html('<span class="text-secondary fw-normal">{}</span>', "0.00")

    def render_days_overdue(self, value):
        return value if value else format_html('<span class="text-secondary">{}</span>', "—")

    def render_status(self, record):
        return get_template("invoicing/_status.html").render({"invoice": record})

    def render_sent(self, record):
        return delivery_cell(record.delivery)

    def render_pdf(self, record):
        url = reverse("invoicing:pdf", args=[record.pk])
        return format_html(
            '<a class="btn btn-link btn-sm py-0" href="{}" target="_blank" rel="noopener">PDF</a>', url
        )

    def prepare_page(self, records: list[Invoice]) -> None:
        deliveries = invoice_delivery_statuses(invoices=records)
        for invoice in records:
            invoice.delivery = deliveries[invoice.pk]

    def export_header(self) -> list[str]:
        return INVOICE_CSV_HEADER

    def export_row(self, invoice: Invoice) -> list:
        return [
            invoice.number,
            invoice.issue_date,
            invoice.due_date,
            invoice.customer.code,
            invoice.customer.name,
            invoice.order.number if invoice.order else "",
            invoice.shipment.number if invoice.shipment else "",
            invoice.customer_reference,
            invoice.currency,
            invoice.net_total,
            invoice.tax_total,
            invoice.total,
            invoice.amount_paid,
            invoice.amount_credited,
            invoice.amount_written_off,
            invoice.balance,
            invoice.days_overdue,
            invoice.status,
            invoice.emailed_at.isoformat() if invoice.emailed_at else "",
        ]


class CreditNoteTable(ListTable):
    """Credit notes (`invoicing.selectors.credit_note_list`), newest first."""

    item_names = ("credit note", "credit notes")
    export_name = "credit-notes"

    number = LinkColumn(viewname="invoicing:credit-note-detail")
    issued = DateColumn(accessor="issue_date")
    invoice = tables.Column(accessor="invoice__number", attrs={"td": {"class": "text-nowrap"}})
    customer = tables.Column(order_by=("customer__code",))
    reason = tables.Column()
    net = AmountColumn(accessor="net_total")
    tax = AmountColumn(accessor="tax_total")
    total = AmountColumn(currency="currency")
    sent = tables.Column(accessor="emailed_at", empty_values=())
    pdf = tables.Column(accessor="pk", verbose_name="", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        order_by = ("-issued",)
        attrs = {**ListTable.Meta.attrs, "data-testid": "credit-notes"}
        row_attrs = {"data-testid": "credit-note-row"}

    def render_invoice(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("invoicing:detail", args=[record.invoice_id]), value
        )

    def render_customer(self, value):
        return customer_name_cell(value)

    def render_reason(self, value):
        return truncatechars(value, 60)

    def render_sent(self, record):
        return delivery_cell(record.delivery)

    def render_pdf(self, record):
        url = reverse("invoicing:credit-note-pdf", args=[record.pk])
        return format_html(
            '<a class="btn btn-link btn-sm py-0" href="{}" target="_blank" rel="noopener">PDF</a>', url
        )

    def prepare_page(self, records: list[CreditNote]) -> None:
        deliveries = credit_note_delivery_statuses(credit_notes=records)
        for note in records:
            note.delivery = deliveries[note.pk]

    def export_header(self) -> list[str]:
        return CREDIT_NOTE_CSV_HEADER

    def export_row(self, note: CreditNote) -> list:
        return [
            note.number,
            note.issue_date,
            note.invoice.number,
            note.customer.code,
            note.customer.name,
            note.currency,
            note.net_total,
            note.tax_total,
            note.total,
            note.reason,
            note.emailed_at.isoformat() if note.emailed_at else "",
        ]
