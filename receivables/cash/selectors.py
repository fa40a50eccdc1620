"""Cash reads: payments (with their allocations) and write-offs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from receivables.cash.allocation import Proposed, allocation_explain
from receivables.cash.models import Allocation, Payment, WriteOff
from receivables.models import ReceivableEntry
from receivables.selectors import open_items_of

if TYPE_CHECKING:
    from receivables.cash.services import AllocationInput


def payment_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Payment]:
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


def payments_applied_to(*, invoice_ids: Iterable[int]) -> list[int]:
    """The payments with allocations still standing on these invoices (to lock them, 0063)."""
    return sorted(
        set(
            Allocation.objects.filter(invoice_id__in=list(invoice_ids), reversed_on__isnull=True).values_list(
                "payment_id", flat=True
            )
        )
    )


@dataclass(frozen=True)
class PaymentBack:
    """A payment and what a credit note gave back to it as unapplied cash."""

    pk: int
    number: str
    amount: Decimal


def credit_note_payments(*, credit_note_id: int) -> list[PaymentBack]:
    """The payments a credit note gave money back to as unapplied cash (decision 0063)."""
    rows = (
        ReceivableEntry.objects.filter(
            credit_note_id=credit_note_id, invoice__isnull=True, kind=ReceivableEntry.Kind.ALLOCATION_REVERSAL
        )
        .values_list("payment_id", "payment__number", "amount")
        .order_by("payment_id")
    )
    return [PaymentBack(pk=pk, number=number, amount=-amount) for pk, number, amount in rows]


def write_off_list(*, filters: dict[str, Any] | None = None) -> QuerySet[WriteOff]:
    write_offs = WriteOff.objects.select_related("invoice", "customer", "created_by")
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            write_offs = write_offs.filter(**{name: value})
    return write_offs


def allocation_proposal(
    *, customer_id: int, amount: Decimal, reference: str, on: date | None = None
) -> list[Proposed]:
    """Which open invoices of the customer a payment of `amount` received `on` settles, by how
    much and why: the invoice numbers in the reference first, then oldest due first; within an
    invoice's discount period, its balance less the discount."""
    return allocation_explain(
        invoices=open_items_of(customer_id=customer_id), amount=amount, reference=reference, on=on
    )


def allocation_totals(allocations: Iterable[AllocationInput | Allocation]) -> dict[int, Decimal]:
    """The amount allocated per invoice."""
    totals: dict[int, Decimal] = {}
    for allocation in allocations:
        totals[allocation.invoice_id] = totals.get(allocation.invoice_id, Decimal("0")) + allocation.amount
    return totals
