"""Quotation reads: the list (for pages, the API and the portal), one quotation with its lines
and timeline, and the conversion figures of the sales report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from o2c.money import ZERO, round_places
from quotations.models import Quotation, QuotationEvent, QuotationLine

FILTERS = {
    "customer": "customer_id",
    "status": "status",
    "number": "number__iexact",
    "number__icontains": "number__icontains",
    "customer__in": "customer__in",
    "order": "order_id",
}


def quotation_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Quotation]:
    queryset = Quotation.objects.select_related("customer", "order")
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name}")
        queryset = queryset.filter(**{FILTERS[name]: value})
    return queryset


def quotation_detail_list() -> QuerySet[Quotation]:
    """With lines (and their products) prefetched: the API's list and detail."""
    return quotation_list().prefetch_related(
        Prefetch("lines", queryset=QuotationLine.objects.select_related("product").order_by("position"))
    )


def quotation_get(*, quotation_id: int) -> Quotation:
    return quotation_detail_list().get(pk=quotation_id)


def quotation_events(*, quotation_id: int) -> QuerySet[QuotationEvent]:
    return (
        QuotationEvent.objects.filter(quotation_id=quotation_id).select_related("actor").order_by("at", "pk")
    )


def open_quotations(*, customer_id: int, today: date) -> QuerySet[Quotation]:
    """What the customer may still accept (the portal): sent and valid today."""
    return (
        quotation_list(filters={"customer": customer_id, "status": Quotation.Status.SENT})
        .filter(valid_until__gte=today)
        .order_by("valid_until", "pk")
    )


def quotation_conversion(*, date_from: date, date_to: date) -> dict[str, Any]:
    """Quotations dated in the period that were sent to the customer: how many and how much (net)
    are still open (`sent`), accepted, declined, expired; the conversion rate is accepted of
    decided (accepted + declined + expired), by count and by value (one query). Drafts never
    sent are not quotes the customer saw, whatever became of them."""
    aggregates: dict[str, Any] = {
        "quoted_count": Count("pk"),
        "quoted_value": Coalesce(Sum("net_total"), ZERO),
    }
    for status in ("sent", "accepted", "declined", "expired"):
        aggregates[f"{status}_count"] = Count("pk", filter=Q(status=status))
        aggregates[f"{status}_value"] = Coalesce(Sum("net_total", filter=Q(status=status)), ZERO)
    row = Quotation.objects.filter(
        quotation_date__range=(date_from, date_to), sent_at__isnull=False
    ).aggregate(**aggregates)
    decided = row["accepted_count"] + row["declined_count"] + row["expired_count"]
    decided_value = row["accepted_value"] + row["declined_value"] + row["expired_value"]
    row["conversion_rate"] = (
        round_places(Decimal(row["accepted_count"]) * 100 / decided, 1) if decided else None
    )
    row["value_conversion_rate"] = (
        round_places(row["accepted_value"] * 100 / decided_value, 1) if decided_value else None
    )
    return row
