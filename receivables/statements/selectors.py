"""A customer's statement of account for a period, read from the open-item ledger (its PDF and
the payment reference printed on it are documents.py).

Every figure sums `ReceivableEntry` rows (see receivables/models.py for their signs):
- the opening balance is the sum of the customer's rows dated before `from`;
- the movements are the rows dated in [from, to], one line per document: an invoice (+), a
  credit note (−), a payment received (−), a refund (+), a payment reversal (+), a write-off (−).
  Allocations and their reversals move an amount between an invoice and unapplied cash; their
  two rows cancel out, so they are not movements: a payment's line names what it paid instead;
- the closing balance is opening + Σ movements, which is the sum of the rows up to `to`;
- the aging as of `to` buckets each invoice's balance (its rows up to `to`) by days past its due
  date, the part in open dispute apart; unapplied cash as of `to` is shown beside it, so that
  Σ buckets + disputed − unapplied = the closing balance.

All of it in five queries, whatever the number of movements. The statement is in the customer's
currency: all its documents are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Min, Q, QuerySet, Sum
from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import ZERO_CENTS as ZERO
from o2c.parsing import date_check
from receivables.models import ReceivableEntry
from receivables.open_items.selectors import AGING_BUCKETS, MONEY, bucket_sums, open_items_as_of

if TYPE_CHECKING:
    from customers.models import Customer

Kind = ReceivableEntry.Kind

# The rows that are movements on a statement; allocation rows come in pairs that cancel out.
MOVEMENT_KINDS = (
    Kind.INVOICE,
    Kind.CREDIT_NOTE,
    Kind.PAYMENT,
    Kind.REFUND,
    Kind.PAYMENT_REVERSAL,
    Kind.WRITE_OFF,
    Kind.CASH_DISCOUNT,
    Kind.CASH_DISCOUNT_REVERSAL,
)


@dataclass(frozen=True)
class Allocated:
    invoice_id: int
    number: str
    amount: Decimal


@dataclass(frozen=True)
class Movement:
    entry_date: date
    kind: str
    document: str  # the number of the document the movement comes from
    description: str
    amount: Decimal  # signed: + the customer owes more, − less
    balance: Decimal  # running balance after this movement
    invoice_id: int | None = None
    invoice_number: str = ""
    payment_id: int | None = None
    credit_note_id: int | None = None
    due_date: date | None = None
    reference: str = ""
    allocations: tuple[Allocated, ...] = ()

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class OpenItem:
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    total: Decimal
    balance: Decimal
    disputed: Decimal
    days_past_due: int  # as of the statement's end, 0 when not yet due


@dataclass(frozen=True)
class Aging:
    as_of: date
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    disputed: Decimal = ZERO
    unapplied: Decimal = ZERO  # unapplied cash, a positive amount the customer has to its credit

    @property
    def open_invoices(self) -> Decimal:
        return (
            self.current
            + self.days_1_30
            + self.days_31_60
            + self.days_61_90
            + self.days_over_90
            + self.disputed
        )

    @property
    def total(self) -> Decimal:
        """What the customer owes net of its unapplied cash: the closing balance."""
        return self.open_invoices - self.unapplied

    @property
    def overdue(self) -> Decimal:
        return self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90

    def buckets(self) -> list[tuple[str, str, Decimal]]:
        return [(bucket.key, bucket.label_days, getattr(self, bucket.key)) for bucket in AGING_BUCKETS]


@dataclass(frozen=True)
class Statement:
    customer: Customer
    period_from: date
    period_to: date
    currency: str
    opening_balance: Decimal
    closing_balance: Decimal
    movements: list[Movement]
    aging: Aging
    open_items: list[OpenItem] = field(default_factory=list)

    @property
    def total_debit(self) -> Decimal:
        return sum((movement.debit for movement in self.movements), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((movement.credit for movement in self.movements), ZERO)


def statement_period_clean(*, period_from: date | None, period_to: date | None) -> tuple[date, date]:
    """The period asked for, the defaults filling what is missing; `from` after `to` and dates
    outside the supported years (1900–2200) are refused."""
    period_to = date_check(period_to or timezone.localdate(), field="to")
    period_from = date_check(period_from, field="from") if period_from else period_to.replace(month=1, day=1)
    if period_from > period_to:
        raise DomainError(
            f"the period starts ({period_from}) after it ends ({period_to})",
            field="from",
            code=KernelErrorCode.PERIOD_REVERSED,
        )
    return period_from, period_to


def statement_get(*, customer: Customer, period_from: date, period_to: date) -> Statement:
    """The statement of `customer` for [period_from, period_to] (see the module docstring)."""
    if period_from > period_to:
        raise DomainError(
            f"the period starts ({period_from}) after it ends ({period_to})",
            field="from",
            code=KernelErrorCode.PERIOD_REVERSED,
        )
    rows = ReceivableEntry.objects.filter(customer_id=customer.pk)
    totals = rows.filter(entry_date__lte=period_to).aggregate(
        opening=Sum("amount", filter=Q(entry_date__lt=period_from)),
        closing=Sum("amount"),
        cash=Sum("amount", filter=Q(invoice__isnull=True)),
    )
    opening = totals["opening"] or ZERO
    closing = totals["closing"] or ZERO
    movements = _movements(rows=rows, period_from=period_from, period_to=period_to, opening=opening)
    open_invoices = open_items_as_of(as_of=period_to, customer=customer)
    aging = _aging(open_invoices, as_of=period_to, unapplied=-(totals["cash"] or ZERO))
    open_items = [
        OpenItem(
            invoice_id=row["pk"],
            number=row["number"],
            issue_date=row["issue_date"],
            due_date=row["due_date"],
            total=row["total"],
            balance=row["balance_as_of"],
            disputed=row["disputed_as_of"],
            days_past_due=max((period_to - row["due_date"]).days, 0),
        )
        for row in open_invoices.order_by("due_date", "issue_date", "pk").values(
            "pk", "number", "issue_date", "due_date", "total", "balance_as_of", "disputed_as_of"
        )
    ]
    return Statement(
        customer=customer,
        period_from=period_from,
        period_to=period_to,
        currency=customer.currency,
        opening_balance=opening,
        closing_balance=closing,
        movements=movements,
        aging=aging,
        open_items=open_items,
    )


def _movements(
    *, rows: QuerySet[ReceivableEntry], period_from: date, period_to: date, opening: Decimal
) -> list[Movement]:
    grouped = list(
        rows.filter(entry_date__gte=period_from, entry_date__lte=period_to, kind__in=MOVEMENT_KINDS)
        .values(
            "kind",
            "entry_date",
            "invoice_id",
            "invoice__number",
            "invoice__due_date",
            "invoice__customer_reference",
            "payment_id",
            "payment__number",
            "payment__reference",
            "payment__reversal_reason",
            "credit_note_id",
            "credit_note__number",
            "credit_note__reason",
            "write_off_id",
            "write_off__reason",
        )
        .annotate(total=Sum("amount"), first_row=Min("pk"))
        .order_by("entry_date", "first_row")
    )
    paid = _allocations_by_payment(
        payment_ids=[row["payment_id"] for row in grouped if row["kind"] == Kind.PAYMENT], until=period_to
    )
    balance, movements = opening, []
    for row in grouped:
        balance += row["total"]
        allocations = paid.get(row["payment_id"], ()) if row["kind"] == Kind.PAYMENT else ()
        movements.append(_movement(row, balance=balance, allocations=allocations))
    return movements


def _allocations_by_payment(*, payment_ids: list[int], until: date) -> dict[int, tuple[Allocated, ...]]:
    """What each payment was applied to up to `until` (its allocation rows on invoices)."""
    if not payment_ids:
        return {}
    result: dict[int, list[Allocated]] = {}
    for row in (
        ReceivableEntry.objects.filter(
            kind=Kind.ALLOCATION, payment_id__in=payment_ids, invoice__isnull=False, entry_date__lte=until
        )
        .values("payment_id", "invoice_id", "invoice__number")
        .annotate(total=Sum("amount"))
        .order_by("payment_id", "invoice__number")
    ):
        result.setdefault(row["payment_id"], []).append(
            Allocated(invoice_id=row["invoice_id"], number=row["invoice__number"], amount=-row["total"])
        )
    return {payment_id: tuple(items) for payment_id, items in result.items()}


def _movement(row: dict[str, Any], *, balance: Decimal, allocations: tuple[Allocated, ...]) -> Movement:
    kind = row["kind"]
    invoice_number, payment_number = row["invoice__number"] or "", row["payment__number"] or ""
    reference = ""
    if kind == Kind.INVOICE:
        document, description = invoice_number, "Invoice"
        if row["invoice__customer_reference"]:
            reference = row["invoice__customer_reference"]
            description += f", your reference {reference}"
    elif kind == Kind.CREDIT_NOTE:
        document = row["credit_note__number"]
        description = f"Credit note on {invoice_number}"
        if row["credit_note__reason"]:
            description += f": {row['credit_note__reason']}"
    elif kind == Kind.PAYMENT:
        document, reference = payment_number, row["payment__reference"] or ""
        description = "Payment received" + (f", reference {reference}" if reference else "")
        if allocations:
            description += "; applied to " + ", ".join(
                f"{item.number} ({item.amount})" for item in allocations
            )
    elif kind == Kind.REFUND:
        document, description = payment_number, f"Refund of unapplied cash of {payment_number}"
    elif kind == Kind.PAYMENT_REVERSAL:
        document = payment_number
        description = f"Payment {payment_number} returned"
        if row["payment__reversal_reason"]:
            description += f": {row['payment__reversal_reason']}"
    elif kind in (Kind.CASH_DISCOUNT, Kind.CASH_DISCOUNT_REVERSAL):  # decision 0056
        document = invoice_number
        description = (
            f"Cash discount on {invoice_number} (paid by {payment_number})"
            if kind == Kind.CASH_DISCOUNT
            else f"Cash discount on {invoice_number} back: payment {payment_number} returned"
        )
    else:  # write-off
        document = invoice_number
        description = f"Written off on {invoice_number}"
    return Movement(
        entry_date=row["entry_date"],
        kind=kind,
        document=document,
        description=description,
        amount=row["total"],
        balance=balance,
        invoice_id=row["invoice_id"],
        invoice_number=invoice_number,
        payment_id=row["payment_id"],
        credit_note_id=row["credit_note_id"],
        due_date=row["invoice__due_date"] if kind == Kind.INVOICE else None,
        reference=reference,
        allocations=allocations,
    )


def _aging(open_invoices: QuerySet[Any], *, as_of: date, unapplied: Decimal) -> Aging:
    """Buckets by days past due as of `as_of` (due on `as_of` is current), in one aggregate."""
    sums = open_invoices.aggregate(
        **bucket_sums(as_of=as_of, amount=F("balance_as_of") - F("disputed_as_of")),
        disputed=Sum("disputed_as_of", output_field=MONEY),
    )
    return Aging(as_of=as_of, unapplied=unapplied, **{name: value or ZERO for name, value in sums.items()})


# ── the PDF ──────────────────────────────────────────────────────────────────────────────────────
