"""Dispute reads: the list (with lines), an invoice's open disputes, and what a credit note
resolving a dispute credits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from o2c.errors import Conflict
from receivables.disputes.errors import DisputeErrorCode
from receivables.disputes.models import Dispute, DisputeLine


def open_disputes(*, invoice_id: int) -> QuerySet[Dispute]:
    """The open disputes of an invoice (a credit note made by hand asks to be linked to one)."""
    return Dispute.objects.filter(invoice_id=invoice_id, status=Dispute.Status.OPEN).order_by("pk")


def dispute_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Dispute]:
    disputes = Dispute.objects.select_related(
        "invoice", "customer", "owner", "opened_by", "credit_note"
    ).prefetch_related(Prefetch("lines", queryset=DisputeLine.objects.select_related("invoice_line")))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            disputes = disputes.filter(**{name: value})
    return disputes


@dataclass(frozen=True)
class DisputeCreditLine:
    invoice_line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class DisputeCredit:
    """What a credit note resolving a dispute credits: `lines` (each an invoice line with a
    `quantity` or a gross `amount`) or a plain `amount`."""

    lines: list[DisputeCreditLine] | None
    amount: Decimal | None


def dispute_credit(*, dispute: Dispute) -> DisputeCredit:
    """What a credit note resolving `dispute` credits: the lines it names at their own tax rates
    (capped, from the last line back, at what a credit note can still take off the invoice: what is
    open plus what was paid, `Invoice.creditable`, decision 0063), or its plain amount split over
    the invoice's tax rates (decision record 0026)."""
    balance = dispute.invoice.creditable  # open plus paid: the rest goes on account (0063)
    if balance <= 0:
        raise Conflict(
            f"{dispute.invoice.number} is settled; there is nothing left to credit",
            code=DisputeErrorCode.INVOICE_SETTLED,
        )
    named = list(dispute.lines.order_by("pk"))
    if not named:
        return DisputeCredit(lines=None, amount=min(dispute.amount, balance))
    total = sum((line.amount for line in named), Decimal("0"))
    if total <= balance:
        return DisputeCredit(
            lines=[
                DisputeCreditLine(line.invoice_line_id, quantity=line.quantity)
                if line.quantity is not None
                else DisputeCreditLine(line.invoice_line_id, amount=line.amount)
                for line in named
            ],
            amount=None,
        )
    result, over = [], total - balance
    for line in reversed(named):
        cut = min(over, line.amount)
        over -= cut
        if line.amount - cut > 0:
            result.append(DisputeCreditLine(line.invoice_line_id, amount=line.amount - cut))
    return DisputeCredit(lines=list(reversed(result)), amount=None)


def disputes_with_age(*, disputes: Iterable[Any]) -> list[Any]:
    """Each dispute with `days_open`: until it was resolved, or until today."""
    today = timezone.localdate()
    disputes = list(disputes)
    for dispute in disputes:
        end = dispute.resolved_on or today
        dispute.days_open = (end - dispute.opened_on).days
    return disputes
