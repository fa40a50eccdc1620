"""The dunning notices list (o2c.tables, decision 0035), newest first. The invoices and their
days overdue are the notice's lines (prefetched) and do not sort; the e-mail state is read once
per page and sorts by when the notice was e-mailed."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import truncatechars
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from o2c.money import ZERO
from o2c.tables import AmountColumn, DateColumn, ListTable
from receivables.dunning.letters import notice_delivery_states
from receivables.dunning.models import DunningNotice

NOTICES_CSV_HEADER = [
    "notice",
    "as_of",
    "customer_code",
    "customer_name",
    "level",
    "level_name",
    "invoices",
    "currency",
    "amount_due",
    "disputed",
    "emailed_at",
    "run",
]


class NoticeTable(ListTable):
    item_names = ("notice", "notices")
    export_name = "dunning-notices"

    date = DateColumn(accessor="as_of")
    customer = tables.Column(order_by=("customer__code",))
    level = tables.Column(order_by=("level__level",), attrs={"td": {"class": "text-nowrap"}})
    invoices = tables.Column(accessor="pk", orderable=False)
    days_overdue = tables.Column(
        accessor="pk", orderable=False, attrs={"th": {"class": "num"}, "td": {"class": "num"}}
    )
    amount_due = AmountColumn(accessor="total", currency="currency")
    email = tables.Column(accessor="emailed_at", empty_values=())
    pdf = tables.Column(accessor="pk", verbose_name="", orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        order_by = ("-date",)
        attrs = {"class": "table table-sm table-hover mb-0 list-table notices", "data-testid": "notices"}
        row_attrs = {"data-testid": "notice-row"}

    def render_date(self, value: Any, record: DunningNotice) -> str:
        if not record.run_id:
            return value.strftime("%Y-%m-%d")
        return format_html(
            '{}<div class="small"><a class="link-secondary" href="{}">run</a></div>',
            value.strftime("%Y-%m-%d"),
            reverse("receivables:dunning-run", args=[record.run_id]),
        )

    def render_customer(self, value: Any) -> str:
        return format_html(
            '<a class="fw-semibold link-body-emphasis" href="?{}">{}</a><div class="small text-secondary">{}</div>',
            urlencode({"customer": value.pk}),
            value.code,
            truncatechars(value.name, 30),
        )

    def render_level(self, value: Any) -> str:
        css = (
            "text-bg-danger"
            if value.blocks_customer
            else "text-bg-warning"
            if value.level >= 3
            else "text-bg-secondary"
        )
        return format_html('<span class="badge {}">{}</span> {}', css, value.level, value.name)

    def render_invoices(self, record: DunningNotice) -> str:
        items = []
        for line in record.lines.all():
            detail = intcomma(line.balance)
            if line.disputed:
                detail += f", {intcomma(line.disputed)} in dispute"
            if line.level_id != record.level_id:
                detail += f" · L{line.level.level}"
            items.append((reverse("invoicing:detail", args=[line.invoice_id]), line.invoice.number, detail))
        return format_html(
            '<ul class="invoice-list">{}</ul>',
            format_html_join(
                "",
                '<li class="text-nowrap"><a href="{}">{}</a> <span class="text-secondary small">{}</span></li>',
                items,
            ),
        )

    def render_days_overdue(self, record: DunningNotice) -> str:
        return format_html_join(
            mark_safe("<br>"), "{}", ((line.days_overdue,) for line in record.lines.all())
        )

    def render_email(self, record: Any) -> str:
        state = get_template("receivables/dunning/_run.html#delivery").render({"delivery": record.delivery})
        if record.emailed_at:
            return format_html(
                '{}<div class="small text-secondary">{}</div>',
                state,
                timezone.localtime(record.emailed_at).strftime("%Y-%m-%d %H:%M"),
            )
        return state

    def render_pdf(self, record: DunningNotice) -> str:
        url = reverse("receivables:dunning-notice-pdf", args=[record.pk])
        return format_html(
            '<a class="btn btn-link btn-sm py-0" href="{}" target="_blank" rel="noopener">PDF</a>', url
        )

    def prepare_page(self, records: list[Any]) -> None:
        states = notice_delivery_states(notices=records)
        for notice in records:
            notice.delivery = states[notice.pk]

    def export_header(self) -> list[str]:
        return NOTICES_CSV_HEADER

    def export_row(self, notice: DunningNotice) -> list[Any]:
        lines = list(notice.lines.all())
        return [
            notice.pk,
            notice.as_of,
            notice.customer.code,
            notice.customer.name,
            notice.level.level,
            notice.level.name,
            " ".join(line.invoice.number for line in lines),
            notice.currency,
            notice.total,
            sum((line.disputed for line in lines), ZERO),
            notice.emailed_at.isoformat() if notice.emailed_at else "",
            notice.run_id or "",
        ]
