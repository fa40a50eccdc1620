"""Dispute reads: the list (with lines) and an invoice's open disputes."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

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
