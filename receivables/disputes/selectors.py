"""Dispute reads: the list (with lines) and an invoice's open disputes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from receivables.disputes.models import Dispute, DisputeLine


def open_disputes(*, invoice_id: int) -> QuerySet[Dispute]:
    """The open disputes of an invoice (a credit note made by hand asks to be linked to one)."""
    return Dispute.objects.filter(invoice_id=invoice_id, status=Dispute.Status.OPEN).order_by("pk")


def dispute_list(*, filters: dict | None = None) -> QuerySet[Dispute]:
    disputes = Dispute.objects.select_related(
        "invoice", "customer", "owner", "opened_by", "credit_note"
    ).prefetch_related(Prefetch("lines", queryset=DisputeLine.objects.select_related("invoice_line")))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            disputes = disputes.filter(**{name: value})
    return disputes


def disputes_with_age(*, disputes: Iterable[Any]) -> list[Any]:
    """Each dispute with `days_open`: until it was resolved, or until today."""
    today = timezone.localdate()
    disputes = list(disputes)
    for dispute in disputes:
        end = dispute.resolved_on or today
        dispute.days_open = (end - dispute.opened_on).days
    return disputes
