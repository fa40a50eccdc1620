"""Open items as of a date: the one owner of the aging buckets and of "disputed, capped at the
balance" (docs/decisions/0039-open-items-and-reports-by-concept.md).

An invoice's balance on date D is the sum of its open-item rows (`ReceivableEntry`) dated on or
before D. The part of it in disputes open on D (opened on or before D, not resolved by D) counts as
disputed, never more than that balance. Its days past due on D are D − due date; `AGING_BUCKETS`
sorts them: current (not yet due, or due on D), 1–30, 31–60, 61–90, over 90 days past due.

The bucket table generates every form the callers need, so that they cannot disagree:
- `bucket_of(days_past_due=...)`: the bucket of a number of days, in Python;
- `Bucket.sql(days=...)` and `bucket_case_sql(days=...)`: the SQL condition and CASE expression
  over a column of days past due (the report's raw SQL);
- `Bucket.q(as_of=...)`, `bucket_sums`, `past_due_q`: the ORM filters on an invoice's due date
  (statements, the receivables positions that credit exposure and the customer API read);
and the cap has its SQL (`disputed_capped_sql`), ORM (`disputed_capped`) and Python
(`disputed_capped_amount`) form, all `LEAST(GREATEST(balance, 0), disputed)`.

Only invoices that can be open on D are read: those still open today and settled ones whose last
movement is after D (`Invoice.last_movement_on`; both sets have partial indexes). The SQL form of
that selection is `OPEN_ITEMS_SQL`, the ORM form `open_items_as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest, Least

from invoicing.selectors import invoice_rows
from o2c.money import ZERO_CENTS
from receivables.models import Dispute, ReceivableEntry

if TYPE_CHECKING:
    from customers.models import Customer

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)


# ── the aging buckets ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Bucket:
    """Days past due from `first_day` to `last_day`, both included; None: no bound."""

    key: str
    label: str  # short, for the report's columns
    first_day: int | None
    last_day: int | None

    @property
    def label_days(self) -> str:
        """The label with its unit, as a statement prints it ("1–30 days")."""
        return self.label if self.first_day is None else f"{self.label} days"

    def contains(self, *, days_past_due: int) -> bool:
        return (self.first_day is None or days_past_due >= self.first_day) and (
            self.last_day is None or days_past_due <= self.last_day
        )

    def sql(self, *, days: str) -> str:
        """The SQL condition on the integer expression `days` (days past due)."""
        bounds = []
        if self.first_day is not None:
            bounds.append(f"{days} >= {int(self.first_day)}")
        if self.last_day is not None:
            bounds.append(f"{days} <= {int(self.last_day)}")
        return " AND ".join(bounds) or "TRUE"

    def q(self, *, as_of: date, due_date: str = "due_date") -> Q:
        """The ORM filter on the date field `due_date`: days past due on `as_of` in this bucket."""
        condition = Q()
        if self.first_day is not None:  # as_of − due ≥ first ⇔ due ≤ as_of − first
            condition &= Q(**{f"{due_date}__lte": as_of - timedelta(days=self.first_day)})
        if self.last_day is not None:  # as_of − due ≤ last ⇔ due ≥ as_of − last
            condition &= Q(**{f"{due_date}__gte": as_of - timedelta(days=self.last_day)})
        return condition


AGING_BUCKETS: tuple[Bucket, ...] = (
    Bucket("current", "Current", None, 0),
    Bucket("days_1_30", "1–30", 1, 30),
    Bucket("days_31_60", "31–60", 31, 60),
    Bucket("days_61_90", "61–90", 61, 90),
    Bucket("days_over_90", "Over 90", 91, None),
)
BUCKETS: tuple[str, ...] = tuple(bucket.key for bucket in AGING_BUCKETS)
BUCKET_LABELS: dict[str, str] = {bucket.key: bucket.label for bucket in AGING_BUCKETS}
OVERDUE_BUCKETS: tuple[str, ...] = BUCKETS[1:]


def bucket_of(*, days_past_due: int) -> str:
    """The key of the bucket `days_past_due` falls in (exactly one does)."""
    for bucket in AGING_BUCKETS:
        if bucket.contains(days_past_due=days_past_due):
            return bucket.key
    raise AssertionError("the aging buckets leave a gap")  # pragma: no cover: a test checks the table


def past_due_q(*, as_of: date, grace_days: int = 0, due_date: str = "due_date") -> Q:
    """ORM: past due on `as_of` by more than `grace_days` days, i.e. in an overdue bucket (the
    buckets after "current") once the grace is over."""
    first_overdue_day = AGING_BUCKETS[1].first_day or 1
    return Q(**{f"{due_date}__lte": as_of - timedelta(days=first_overdue_day + grace_days)})


def bucket_case_sql(*, days: str) -> str:
    """SQL: the key of the bucket of the integer expression `days` (days past due)."""
    whens = " ".join(f"WHEN {bucket.sql(days=days)} THEN '{bucket.key}'" for bucket in AGING_BUCKETS)
    return f"CASE {whens} END"


def bucket_case(*, as_of: date, due_date: str = "due_date") -> Case:
    """ORM: the key of the bucket of the days past due on `as_of` of the date field `due_date`."""
    return Case(
        *(When(bucket.q(as_of=as_of, due_date=due_date), then=Value(bucket.key)) for bucket in AGING_BUCKETS),
        output_field=CharField(),
    )


def bucket_sums(*, as_of: date, amount: Combinable | str, due_date: str = "due_date") -> dict[str, Sum]:
    """ORM aggregates: `amount` summed per bucket of days past due on `as_of`."""
    return {
        bucket.key: Sum(amount, filter=bucket.q(as_of=as_of, due_date=due_date), output_field=MONEY)
        for bucket in AGING_BUCKETS
    }


# ── disputed, capped at the balance ──────────────────────────────────────────────────────────────


def disputed_capped_sql(*, balance: str, disputed: str) -> str:
    """SQL: the part of `balance` in dispute: `disputed` (NULL: none), at most the balance, never
    below zero."""
    return f"LEAST(GREATEST({balance}, 0), COALESCE({disputed}, 0))"


def disputed_capped(*, balance: Combinable, disputed: Combinable) -> Least:
    """ORM: the same as `disputed_capped_sql`."""
    return Least(
        Greatest(balance, Value(ZERO_CENTS), output_field=MONEY),
        Coalesce(disputed, Value(ZERO_CENTS), output_field=MONEY),
        output_field=MONEY,
    )


def disputed_capped_amount(*, balance: Decimal, disputed: Decimal) -> Decimal:
    """Python: the same as `disputed_capped_sql`, for figures already read."""
    return min(max(balance, ZERO_CENTS), disputed)


# ── open items as of a date ──────────────────────────────────────────────────────────────────────

# SQL: the invoices open on %(as_of)s with their balance then (`balance`), their days past due
# (`days_past_due`), the part in open disputes (`disputed`) and their bucket (`bucket`), as the CTE
# `items` (with the helper CTEs before it); `WITH {OPEN_ITEMS_SQL} SELECT ... FROM items`.
_DISPUTED_AND_ITEMS = f"""
disputed AS (
    SELECT d.invoice_id, SUM(d.amount) AS amount
      FROM receivables_dispute d
      JOIN open_items o ON o.invoice_id = d.invoice_id
     WHERE d.opened_on <= %(as_of)s AND (d.resolved_on IS NULL OR d.resolved_on > %(as_of)s)
     GROUP BY d.invoice_id
),
items AS (
    SELECT o.*, {disputed_capped_sql(balance="o.balance", disputed="d.amount")} AS disputed,
           {bucket_case_sql(days="o.days_past_due")} AS bucket
      FROM open_items o LEFT JOIN disputed d ON d.invoice_id = o.invoice_id
)
"""  # noqa: S608 (constant fragments; as_of is a bound parameter)

OPEN_ITEMS_SQL = f"""
candidates AS (
    SELECT id, customer_id, due_date FROM invoicing_invoice
     WHERE balance > 0 AND issue_date <= %(as_of)s
    UNION ALL
    SELECT id, customer_id, due_date FROM invoicing_invoice
     WHERE balance = 0 AND last_movement_on > %(as_of)s AND issue_date <= %(as_of)s
),
open_items AS (
    SELECT c.id AS invoice_id, c.customer_id, c.due_date, %(as_of)s::date - c.due_date AS days_past_due,
           SUM(e.amount) AS balance, SUM(e.amount_base) AS balance_base
      FROM candidates c
      JOIN receivables_receivableentry e ON e.invoice_id = c.id AND e.entry_date <= %(as_of)s
     GROUP BY c.id, c.customer_id, c.due_date
    HAVING SUM(e.amount) <> 0
),
{_DISPUTED_AND_ITEMS}"""  # noqa: S608 (constant fragments; as_of is a bound parameter)


# The same CTEs when no open-item row is dated after %(as_of)s (today, as a rule): an invoice's
# balance then is its stored `balance` (the sum of all its rows), read from the covering index of
# the open invoices, with no ledger row read. `ledger_ends_by(as_of)` says when it applies.
_DISPUTED_JOIN = "      JOIN open_items o ON o.invoice_id = d.invoice_id\n"
assert _DISPUTED_JOIN in _DISPUTED_AND_ITEMS
# The disputes open then are summed without joining the open items (the LEFT JOIN of `items`
# keeps those of open invoices): `open_items` is read once, so PostgreSQL inlines it.
OPEN_ITEMS_NOW_SQL = f"""
open_items AS (
    SELECT id AS invoice_id, customer_id, due_date, %(as_of)s::date - due_date AS days_past_due, balance
      FROM invoicing_invoice
     WHERE balance > 0 AND issue_date <= %(as_of)s
),
{_DISPUTED_AND_ITEMS.replace(_DISPUTED_JOIN, "")}"""  # noqa: S608


def ledger_ends_by(as_of: date) -> bool:
    """No open-item row is dated after `as_of`: every stored balance is the balance on `as_of`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(entry_date) FROM receivables_receivableentry")
        (last,) = cursor.fetchone()
    return last is None or last <= as_of


def open_items_as_of(*, as_of: date, customer: Customer | None = None) -> QuerySet[Any]:
    """The invoices (of `customer`, or all; invoicing.selectors.invoice_rows) with a balance on `as_of`, annotated with
    `balance_as_of` (their rows up to that date), `disputed_as_of` (in disputes open then, capped
    at that balance) and `bucket` (of their days past due then). The ORM form of OPEN_ITEMS_SQL."""
    balance = Subquery(
        ReceivableEntry.objects.filter(invoice=OuterRef("pk"), entry_date__lte=as_of)
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=MONEY,
    )
    disputed = Subquery(
        Dispute.objects.filter(invoice=OuterRef("pk"), opened_on__lte=as_of)
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=MONEY,
    )
    invoices = invoice_rows().filter(
        Q(balance__gt=0) | Q(balance=0, last_movement_on__gt=as_of), issue_date__lte=as_of
    )
    if customer is not None:
        invoices = invoices.filter(customer_id=customer.pk)
    return (
        invoices.annotate(balance_as_of=Coalesce(balance, Value(ZERO_CENTS), output_field=MONEY))
        .exclude(balance_as_of=0)
        .annotate(
            disputed_as_of=disputed_capped(balance=F("balance_as_of"), disputed=disputed),
            bucket=bucket_case(as_of=as_of),
        )
    )
