"""Receivables reads: customer positions (the credit check reads them), open invoices with their
disputed amounts, payments, disputes, write-offs and the open-item ledger as of a date.

Positions come from the stored invoice balances and payments' unapplied amounts (equal to the
open-item ledger's sums, which a test checks); anything "as of" a past date sums the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from invoicing.selectors import invoice_list, invoice_rows
from o2c.errors import Conflict
from receivables.allocation import OpenInvoice, allocation_propose
from receivables.models import Allocation, Dispute, DisputeLine, Payment, ReceivableEntry, WriteOff

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class ReceivablesPosition:
    open_balance: Decimal = ZERO  # invoices minus allocations, credit notes and write-offs
    overdue_undisputed: Decimal = ZERO  # past due beyond the grace days, not in dispute
    unapplied_cash: Decimal = ZERO
    disputed: Decimal = ZERO


def open_disputed_subquery() -> Subquery:
    """Per invoice (OuterRef "pk"): the amount in open disputes."""
    return Coalesce(
        Subquery(
            Dispute.objects.filter(invoice=OuterRef("pk"), status=Dispute.Status.OPEN)
            .values("invoice")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=_MONEY,
        ),
        Value(ZERO),
        output_field=_MONEY,
    )


def receivables_positions(*, customer_ids: list[int], grace_days: int = 0) -> dict[int, ReceivablesPosition]:
    """Open balance, overdue undisputed (due more than `grace_days` ago), unapplied cash and
    disputed amount per customer, in two queries."""
    overdue_before = timezone.localdate() - timedelta(days=grace_days)
    rows = {
        row["customer_id"]: row
        for row in invoice_rows()
        .filter(customer_id__in=customer_ids, balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .annotate(
            disputed_open=Case(When(disputed__gt=F("balance"), then=F("balance")), default=F("disputed")),
        )
        .values("customer_id")
        .annotate(
            open_balance=Sum("balance"),
            disputed=Sum("disputed_open"),
            overdue=Sum(
                F("balance") - F("disputed_open"), filter=Q(due_date__lt=overdue_before), output_field=_MONEY
            ),
        )
    }
    cash = dict(
        Payment.objects.filter(customer_id__in=customer_ids, unapplied_amount__gt=0)
        .values("customer_id")
        .annotate(total=Sum("unapplied_amount"))
        .values_list("customer_id", "total")
    )
    positions = {}
    for customer_id in customer_ids:
        row = rows.get(customer_id, {})
        positions[customer_id] = ReceivablesPosition(
            open_balance=row.get("open_balance") or ZERO,
            overdue_undisputed=row.get("overdue") or ZERO,
            unapplied_cash=cash.get(customer_id) or ZERO,
            disputed=row.get("disputed") or ZERO,
        )
    return positions


def open_invoices(*, customer_id: int) -> QuerySet:
    """A customer's invoices with a balance, oldest due first, with `days_overdue` and `disputed`."""
    return (
        invoice_list(filters={"customer_id": customer_id})
        .filter(balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .order_by("due_date", "issue_date", "pk")
    )


def open_items(invoices) -> list[OpenInvoice]:
    """Invoices (annotated with `disputed` or not) as the allocation proposal takes them."""
    return [
        OpenInvoice(
            invoice_id=invoice.pk,
            number=invoice.number,
            due_date=invoice.due_date,
            issue_date=invoice.issue_date,
            balance=invoice.balance,
            disputed=getattr(invoice, "disputed", ZERO) or ZERO,
        )
        for invoice in invoices
    ]


def open_items_of(*, customer_id: int) -> list[OpenInvoice]:
    """A customer's open invoices as the allocation proposal takes them, read as plain values."""
    rows = (
        invoice_rows()
        .filter(customer_id=customer_id, balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .values_list("pk", "number", "due_date", "issue_date", "balance", "disputed")
    )
    return [OpenInvoice(*row) for row in rows]


def disputed_amounts(*, invoice_ids: list[int]) -> dict[int, Decimal]:
    return dict(
        Dispute.objects.filter(invoice_id__in=invoice_ids, status=Dispute.Status.OPEN)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )


def open_disputes(*, invoice_id: int) -> QuerySet[Dispute]:
    """The open disputes of an invoice (a credit note made by hand asks to be linked to one)."""
    return Dispute.objects.filter(invoice_id=invoice_id, status=Dispute.Status.OPEN).order_by("pk")


def payment_list(*, filters: dict | None = None) -> QuerySet[Payment]:
    payments = Payment.objects.select_related("customer", "created_by").prefetch_related(
        Prefetch("allocations", queryset=Allocation.objects.select_related("invoice").order_by("pk"))
    )
    for name, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if name == "unapplied":
            payments = (
                payments.filter(unapplied_amount__gt=0) if value else payments.filter(unapplied_amount=0)
            )
        else:
            payments = payments.filter(**{name: value})
    return payments


def payment_get(*, payment_id: int) -> Payment:
    return payment_list().get(pk=payment_id)


def dispute_list(*, filters: dict | None = None) -> QuerySet[Dispute]:
    disputes = Dispute.objects.select_related(
        "invoice", "customer", "owner", "opened_by", "credit_note"
    ).prefetch_related(Prefetch("lines", queryset=DisputeLine.objects.select_related("invoice_line")))
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            disputes = disputes.filter(**{name: value})
    return disputes


def write_off_list(*, filters: dict | None = None) -> QuerySet[WriteOff]:
    write_offs = WriteOff.objects.select_related("invoice", "customer", "created_by")
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            write_offs = write_offs.filter(**{name: value})
    return write_offs


def invoice_ledger_balances(
    *, invoice_ids: list[int] | None = None, as_of: date | None = None
) -> dict[int, Decimal]:
    """Invoice balances summed from the open-item ledger (up to `as_of` when given)."""
    entries = ReceivableEntry.objects.filter(invoice__isnull=False)
    if invoice_ids is not None:
        entries = entries.filter(invoice_id__in=invoice_ids)
    if as_of is not None:
        entries = entries.filter(entry_date__lte=as_of)
    return dict(entries.values("invoice_id").annotate(total=Sum("amount")).values_list("invoice_id", "total"))


def unapplied_cash_ledger(*, customer_ids: list[int] | None = None, as_of: date | None = None) -> Decimal:
    """Unapplied cash from the open-item ledger (its rows without an invoice), up to `as_of`."""
    entries = ReceivableEntry.objects.filter(invoice__isnull=True)
    if customer_ids is not None:
        entries = entries.filter(customer_id__in=customer_ids)
    if as_of is not None:
        entries = entries.filter(entry_date__lte=as_of)
    return -(entries.aggregate(total=Sum("amount"))["total"] or ZERO)


def subledger_totals() -> dict[str, Decimal]:
    """What the ledger's control accounts must show: Σ open invoice balances (receivables) and
    Σ unapplied cash (customer advances), from the stored figures."""
    return {
        "open_balances": invoice_rows().aggregate(total=Sum("balance"))["total"] or ZERO,
        "unapplied_cash": Payment.objects.aggregate(total=Sum("unapplied_amount"))["total"] or ZERO,
    }


@dataclass(frozen=True)
class DisputeCredit:
    """What a credit note resolving a dispute credits: `lines` (each an invoice line with a
    `quantity` or a gross `amount`) or a plain `amount`."""

    lines: list[DisputeCreditLine] | None
    amount: Decimal | None


@dataclass(frozen=True)
class DisputeCreditLine:
    invoice_line_id: int
    quantity: Decimal | None = None
    amount: Decimal | None = None


def dispute_credit(*, dispute: Dispute) -> DisputeCredit:
    """What a credit note resolving `dispute` credits: the lines it names at their own tax rates
    (capped, from the last line back, at what is still open on the invoice), or its plain amount
    split over the invoice's tax rates (decision record 0026)."""
    balance = dispute.invoice.balance
    if balance <= 0:
        raise Conflict(f"{dispute.invoice.number} is settled; there is nothing left to credit")
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


def allocation_proposal(*, customer_id: int, amount: Decimal, reference: str) -> list[tuple[int, Decimal]]:
    """Which open invoices of the customer a payment of `amount` settles, and by how much: the
    invoice numbers in the reference first, then oldest due first."""
    return allocation_propose(
        invoices=open_items_of(customer_id=customer_id), amount=amount, reference=reference
    )


def allocation_totals(allocations) -> dict[int, Decimal]:
    """The amount allocated per invoice."""
    totals: dict[int, Decimal] = {}
    for allocation in allocations:
        totals[allocation.invoice_id] = totals.get(allocation.invoice_id, Decimal("0")) + allocation.amount
    return totals
