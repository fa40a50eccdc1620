"""Webhook reads: endpoints, deliveries (filtered as the API and the page ask), one delivery with
its attempts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("pk")


def webhook_delivery_list(*, filters: dict[str, Any] | None = None) -> QuerySet[WebhookDelivery]:
    """Newest first; `filters`: `endpoint` (id), `status`, `event_type`."""
    deliveries = WebhookDelivery.objects.select_related("endpoint").order_by("-pk")
    filters = filters or {}
    if filters.get("endpoint"):
        deliveries = deliveries.filter(endpoint_id=filters["endpoint"])
    if filters.get("status"):
        deliveries = deliveries.filter(status=filters["status"])
    if filters.get("event_type"):
        deliveries = deliveries.filter(event_type=filters["event_type"])
    return deliveries


def webhook_delivery_attempts(*, delivery_id: int) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery_id=delivery_id).order_by("pk")
