"""Reads of customer notifications: the company's settings, the templates and carriers, and the
notifications sent about an order."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.db.models import QuerySet

from notifications.defaults import DEFAULT_LANGUAGE, DEFAULT_TEMPLATES
from notifications.models import CarrierTracking, Notification, NotificationSettings, NotificationTemplate
from notifications.placeholders import template_errors, tracking_url_errors

logger = logging.getLogger(__name__)


def notification_settings_get() -> NotificationSettings:
    """The settings row (seeded by the migration; its defaults if it is missing)."""
    return NotificationSettings.objects.filter(pk=1).first() or NotificationSettings(pk=1)


def template_list() -> QuerySet[NotificationTemplate]:
    return NotificationTemplate.objects.select_related("updated_by").order_by("kind", "language")


def template_get(*, template_id: int) -> NotificationTemplate:
    return template_list().get(pk=template_id)


def template_text(*, kind: str, language: str) -> tuple[str, str]:
    """`(subject, body)` of `kind` in `language`: the company's template, else its English one,
    else the built-in default. A stored template that fails the check (changed behind the
    application's back) is passed over, so sending never fails on it."""
    stored = {
        row.language: row
        for row in NotificationTemplate.objects.filter(kind=kind, language__in=[language, DEFAULT_LANGUAGE])
    }
    for candidate in (language, DEFAULT_LANGUAGE):
        row = stored.get(candidate)
        if row is None:
            continue
        if template_errors(kind=kind, subject=row.subject, body=row.body):
            logger.warning("notification template %s/%s has a bad placeholder: default sent", kind, candidate)
            continue
        return row.subject, row.body
    return DEFAULT_TEMPLATES.get((kind, language)) or DEFAULT_TEMPLATES[(kind, DEFAULT_LANGUAGE)]


def carrier_list() -> QuerySet[CarrierTracking]:
    return CarrierTracking.objects.order_by("carrier")


def tracking_url(*, carrier: str, tracking_number: str) -> str:
    """The carrier's tracking page for the parcel, or "" (no number, or a carrier not listed)."""
    if not tracking_number.strip() or not carrier.strip():
        return ""
    row = CarrierTracking.objects.filter(carrier__iexact=carrier.strip()).first()
    if row is None:
        return ""
    if tracking_url_errors(url_template=row.url_template):  # changed behind the application's back
        return ""
    return row.url_template.format_map({"tracking_number": quote(tracking_number.strip(), safe="")})


def notification_list(*, order_id: int) -> QuerySet[Notification]:
    """The notifications about an order and its shipments, oldest first."""
    return Notification.objects.filter(order_id=order_id).select_related("shipment").order_by("pk")
