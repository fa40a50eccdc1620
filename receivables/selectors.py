"""Receivables reads shared by every concept: customer positions (the credit check reads them),
open invoices with their disputed amounts and the open-item ledger as of a date. Payments and
write-offs are read in cash/selectors.py, disputes in disputes/selectors.py.

Positions come from the stored invoice balances and payments' unapplied amounts (equal to the
open-item ledger's sums, which a test checks); anything "as of" a past date sums the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import EllipsisType
from typing import TYPE_CHECKING

from django.db.models import (
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from invoicing.selectors import discount_total, invoice_discount_parts, invoice_list, invoice_rows
from o2c.money import ZERO_CENTS as ZERO
from receivables.cash.allocation import OpenInvoice
from receivables.models import Dispute, Payment, ReceivableEntry
from receivables.open_items.selectors import MONEY as _MONEY
from receivables.open_items.selectors import disputed_capped, past_due_q

if TYPE_CHECKING:
    from invoicing.models import Invoice


@dataclass(frozen=True)
class ReceivablesPosition:
    open_balance: Decimal = ZERO  # invoices minus allocations, credit notes and write-offs
    overdue_undisputed: Decimal = ZERO  # past due beyond the grace days, not in dispute
    unapplied_cash: Decimal = ZERO
    disputed: Decimal = ZERO


def open_disputed_subquery() -> Coalesce:
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
    past_due = past_due_q(as_of=timezone.localdate(), grace_days=grace_days)
    rows = {
        row["customer_id"]: row
        for row in invoice_rows()
        .filter(customer_id__in=customer_ids, balance__gt=0)
        .annotate(disputed_open=disputed_capped(balance=F("balance"), disputed=open_disputed_subquery()))
        .values("customer_id")
        .annotate(
            open_balance=Sum("balance"),
            disputed=Sum("disputed_open"),
            overdue=Sum(F("balance") - F("disputed_open"), filter=past_due, output_field=_MONEY),
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


def _overdue_rows(*, customer: int | OuterRef, grace_days: int) -> QuerySet[Invoice]:
    past_due = past_due_q(as_of=timezone.localdate(), grace_days=grace_days)
    return (
        invoice_rows()
        .filter(past_due, customer_id=customer, balance__gt=0)  # type: ignore[misc]
        .annotate(disputed_open=disputed_capped(balance=F("balance"), disputed=open_disputed_subquery()))
    )


def overdue_undisputed(*, customer_id: int, grace_days: int = 0) -> Decimal:
    """What the customer has overdue by more than `grace_days` and not in dispute: the credit
    check's figure, read from its past-due open invoices only (an index on customer and due date
    among open invoices), so its cost does not grow with the customer's history."""
    total = _overdue_rows(customer=customer_id, grace_days=grace_days).aggregate(
        total=Sum(F("balance") - F("disputed_open"), output_field=_MONEY)
    )["total"]
    return total or ZERO


def overdue_undisputed_subquery(*, grace_days: int = 0) -> Coalesce:
    """`overdue_undisputed` of the customer `OuterRef("pk")`, as a column of a customer query
    (the credit check reads it with the kept exposure in one statement)."""
    rows = (
        _overdue_rows(customer=OuterRef("pk"), grace_days=grace_days)
        .order_by()
        .values("customer_id")
        .annotate(total=Sum(F("balance") - F("disputed_open"), output_field=_MONEY))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def open_invoices(*, customer_id: int) -> QuerySet[Invoice]:
    """A customer's invoices with a balance, oldest due first, with `days_overdue` and `disputed`."""
    return (
        invoice_list(filters={"customer_id": customer_id})
        .filter(balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .order_by("due_date", "issue_date", "pk")
    )


def open_items(invoices: Iterable[Invoice]) -> list[OpenInvoice]:
    """Invoices (annotated with `disputed` or not) as the allocation proposal takes them, with
    the cash discount each would take now (decision 0056)."""
    invoices = list(invoices)
    discounts = discounts_open(invoices)
    return [
        OpenInvoice(
            invoice_id=invoice.pk,
            number=invoice.number,
            due_date=invoice.due_date,
            issue_date=invoice.issue_date,
            balance=invoice.balance,
            disputed=getattr(invoice, "disputed", ZERO) or ZERO,
            discount=discounts.get(invoice.pk, ZERO),
            discount_due_date=invoice.discount_due_date,
        )
        for invoice in invoices
    ]


def _discount_open(
    discount_amount: Decimal, amount_discounted: Decimal, amount_credited: Decimal
) -> Decimal | EllipsisType | None:
    """The invoice's own cash discount while it is open to take; None when there is none (or it
    was taken); `...` when credit notes changed what it bills (recomputed from its parts)."""
    if discount_amount <= 0 or amount_discounted > 0:
        return None
    return ... if amount_credited > 0 else discount_amount


def discounts_open(invoices: Iterable[Invoice]) -> dict[int, Decimal]:
    """The cash discount each invoice would still take if settled now: its own figure, or, once
    credit notes changed what it bills at each rate, the figure recomputed (one batch of queries
    for those only); nothing once a discount was taken."""
    result, credited = {}, []
    for invoice in invoices:
        discount = _discount_open(invoice.discount_amount, invoice.amount_discounted, invoice.amount_credited)
        if discount is ...:
            credited.append(invoice.pk)
        elif discount is not None:
            result[invoice.pk] = discount
    for pk, parts in invoice_discount_parts(invoice_ids=credited).items():
        result[pk] = discount_total(parts)
    return result


def open_items_of(*, customer_id: int) -> list[OpenInvoice]:
    """A customer's open invoices as the allocation proposal takes them: plain rows (a customer
    may have thousands open; model instances cost ten times more), the discount batch after."""
    rows = list(
        invoice_rows()
        .filter(customer_id=customer_id, balance__gt=0)
        .annotate(disputed=open_disputed_subquery())
        .values_list(
            "pk",
            "number",
            "due_date",
            "issue_date",
            "balance",
            "disputed",
            "discount_amount",
            "amount_discounted",
            "amount_credited",
            "discount_due_date",
        )
    )
    discounts, credited = {}, []
    for pk, *_, discount_amount, amount_discounted, amount_credited, _due in rows:
        discount = _discount_open(discount_amount, amount_discounted, amount_credited)
        if discount is ...:
            credited.append(pk)
        elif discount is not None:
            discounts[pk] = discount
    for pk, parts in invoice_discount_parts(invoice_ids=credited).items():
        discounts[pk] = discount_total(parts)
    return [
        OpenInvoice(
            invoice_id=pk,
            number=number,
            due_date=due_date,
            issue_date=issue_date,
            balance=balance,
            disputed=disputed or ZERO,
            discount=discounts.get(pk, ZERO),
            discount_due_date=discount_due_date,
        )
        for pk, number, due_date, issue_date, balance, disputed, *_, discount_due_date in rows
    ]


def disputed_amounts(*, invoice_ids: list[int]) -> dict[int, Decimal]:
    return dict(
        Dispute.objects.filter(invoice_id__in=invoice_ids, status=Dispute.Status.OPEN)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )


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


def invoice_base_balances(*, invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """The base amounts of invoices' open-item rows summed (decision 0062): their base balances."""
    rows = (
        ReceivableEntry.objects.filter(invoice_id__in=list(invoice_ids))
        .values("invoice_id")
        .annotate(total=Sum("amount_base"))
        .values_list("invoice_id", "total")
    )
    return {invoice_id: total for invoice_id, total in rows}


def payment_unapplied_base(*, payment_id: int) -> Decimal:
    """The base amount of a payment's unapplied cash (−Σ its cash rows' base amounts, 0062)."""
    total = ReceivableEntry.objects.filter(payment_id=payment_id, invoice__isnull=True).aggregate(
        total=Sum("amount_base")
    )["total"]
    return -(total or ZERO)


def payment_discount_base(*, payment_id: int, invoice_id: int) -> Decimal:
    """The base amount of the cash discount a payment took on an invoice, net of its reversals."""
    total = ReceivableEntry.objects.filter(
        payment_id=payment_id,
        invoice_id=invoice_id,
        kind__in=[ReceivableEntry.Kind.CASH_DISCOUNT, ReceivableEntry.Kind.CASH_DISCOUNT_REVERSAL],
    ).aggregate(total=Sum("amount_base"))["total"]
    return -(total or ZERO)
