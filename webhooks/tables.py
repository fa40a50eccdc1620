"""The webhook deliveries list (o2c.tables, decision 0035), newest first."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from o2c.tables import LinkColumn, ListTable
from webhooks.models import WebhookDelivery

STATUS_BADGES = {"pending": "text-bg-warning", "delivered": "text-bg-success", "failed": "text-bg-danger"}


class DeliveryTable(ListTable):
    item_names = ("delivery", "deliveries")
    export_name = "webhook-deliveries"

    id = LinkColumn(viewname="webhooks:delivery", verbose_name="Delivery")
    event_type = tables.Column(verbose_name="Event")
    object_key = tables.Column(verbose_name="Object")
    endpoint = tables.Column(order_by=("endpoint__url",))
    status = tables.Column()
    attempts = tables.Column(attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    created_at = tables.Column(verbose_name="Created")
    next_attempt_at = tables.Column(verbose_name="Next attempt")

    class Meta(ListTable.Meta):
        order_by = ("-id",)
        attrs = {"class": "table table-sm table-hover mb-0 list-table", "data-testid": "deliveries"}
        row_attrs = {"data-testid": "delivery-row"}

    def render_endpoint(self, value: Any) -> str:
        return truncatechars(value.url, 50)

    def render_status(self, value: Any, record: WebhookDelivery) -> Any:
        from django.utils.html import format_html

        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), record.status
        )

    def render_created_at(self, value: Any) -> str:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")

    def render_next_attempt_at(self, value: Any, record: WebhookDelivery) -> str:
        if record.status != WebhookDelivery.Status.PENDING:
            return "—"
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")

    def value_status(self, value: Any, record: WebhookDelivery) -> str:
        return record.status

    def value_endpoint(self, value: Any) -> str:
        return str(value.url)
