"""Portal link reads: a customer's links and the state of one."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from receivables.portal.models import PortalLink


def portal_link_list(*, customer_id: int) -> QuerySet[PortalLink]:
    return PortalLink.objects.filter(customer_id=customer_id).select_related("created_by")


def portal_link_status(link: PortalLink, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return "active"
