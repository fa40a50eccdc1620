"""Accounts receivable aging as of any date, from the open-item ledger (DESIGN.md §2, reporting).

An invoice's balance on date D is the sum of its open-item rows dated on or before D; it falls in a
bucket by D − due date: current (not yet due), 1–30, 31–60, 61–90, over 90 days past due. The part
of it in a dispute open on D (opened on or before D, not resolved by D) is shown apart, as is each
customer's unapplied cash (−Σ its cash rows up to D). `total` = buckets + disputed − unapplied:
the customers' net position, which the ledger's receivables (1100) plus customer advances (2100)
equal on every date.

Only invoices that can be open on D are read: those still open today, and settled ones whose last
movement is after D (`Invoice.last_movement_on`, partial indexes on both sets); the same for
payments' unapplied cash. One SQL statement; no Python loop over invoices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection

ZERO = Decimal("0.00")
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
BUCKET_LABELS = {
    "current": "Current",
    "days_1_30": "1–30",
    "days_31_60": "31–60",
    "days_61_90": "61–90",
    "days_over_90": "Over 90",
}
SORTS = (*BUCKETS, "disputed", "unapplied", "total", "code", "name")

# Invoices that may be open on %(as_of)s, with their balance then and the part in open disputes.
_OPEN_ON = """
candidates AS (
    SELECT id, customer_id, due_date FROM invoicing_invoice
     WHERE balance > 0 AND issue_date <= %(as_of)s
    UNION ALL
    SELECT id, customer_id, due_date FROM invoicing_invoice
     WHERE balance = 0 AND last_movement_on > %(as_of)s AND issue_date <= %(as_of)s
),
open_items AS (
    SELECT c.id AS invoice_id, c.customer_id, c.due_date, %(as_of)s::date - c.due_date AS days_past_due,
           SUM(e.amount) AS balance
      FROM candidates c
      JOIN receivables_receivableentry e ON e.invoice_id = c.id AND e.entry_date <= %(as_of)s
     GROUP BY c.id, c.customer_id, c.due_date
    HAVING SUM(e.amount) <> 0
),
disputed AS (
    SELECT d.invoice_id, SUM(d.amount) AS amount
      FROM receivables_dispute d
      JOIN open_items o ON o.invoice_id = d.invoice_id
     WHERE d.opened_on <= %(as_of)s AND (d.resolved_on IS NULL OR d.resolved_on > %(as_of)s)
     GROUP BY d.invoice_id
),
items AS (
    SELECT o.*, LEAST(GREATEST(o.balance, 0), COALESCE(d.amount, 0)) AS disputed
      FROM open_items o LEFT JOIN disputed d ON d.invoice_id = o.invoice_id
)
"""

_CASH_ON = """
cash_candidates AS (
    SELECT id, customer_id FROM receivables_payment
     WHERE unapplied_amount > 0 AND received_on <= %(as_of)s
    UNION ALL
    SELECT id, customer_id FROM receivables_payment
     WHERE unapplied_amount = 0 AND last_movement_on > %(as_of)s AND received_on <= %(as_of)s
),
cash AS (
    SELECT p.customer_id, -SUM(e.amount) AS unapplied
      FROM cash_candidates p
      JOIN receivables_receivableentry e
        ON e.payment_id = p.id AND e.invoice_id IS NULL AND e.entry_date <= %(as_of)s
     GROUP BY p.customer_id
    HAVING SUM(e.amount) <> 0
)
"""

_BUCKET_SUMS = """
    SUM(balance - disputed) FILTER (WHERE days_past_due <= 0) AS current,
    SUM(balance - disputed) FILTER (WHERE days_past_due BETWEEN 1 AND 30) AS days_1_30,
    SUM(balance - disputed) FILTER (WHERE days_past_due BETWEEN 31 AND 60) AS days_31_60,
    SUM(balance - disputed) FILTER (WHERE days_past_due BETWEEN 61 AND 90) AS days_61_90,
    SUM(balance - disputed) FILTER (WHERE days_past_due > 90) AS days_over_90,
    SUM(disputed) AS disputed
"""

_BY_CUSTOMER = f"""
WITH {_OPEN_ON}, {_CASH_ON},
by_customer AS (
    SELECT customer_id, {_BUCKET_SUMS} FROM items GROUP BY customer_id
)
SELECT cu.id, cu.code, cu.name, cu.currency,
       COALESCE(b.current, 0), COALESCE(b.days_1_30, 0), COALESCE(b.days_31_60, 0),
       COALESCE(b.days_61_90, 0), COALESCE(b.days_over_90, 0), COALESCE(b.disputed, 0),
       COALESCE(cash.unapplied, 0)
  FROM by_customer b
  FULL OUTER JOIN cash ON cash.customer_id = b.customer_id
  JOIN customers_customer cu ON cu.id = COALESCE(b.customer_id, cash.customer_id)
"""

_TOTALS = f"""
WITH {_OPEN_ON}, {_CASH_ON}
SELECT {_BUCKET_SUMS}, (SELECT COALESCE(SUM(unapplied), 0) FROM cash) AS unapplied FROM items
"""

_INVOICES = f"""
WITH {_OPEN_ON}
SELECT i.id, i.number, i.issue_date, i.due_date, items.days_past_due, i.total, items.balance,
       items.disputed, i.currency
  FROM items JOIN invoicing_invoice i ON i.id = items.invoice_id
 WHERE (%(customer_id)s::bigint IS NULL OR items.customer_id = %(customer_id)s)
 ORDER BY i.due_date, i.id
"""


@dataclass
class AgingRow:
    customer_id: int | None
    code: str
    name: str
    currency: str
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO
    disputed: Decimal = ZERO
    unapplied: Decimal = ZERO

    @property
    def open_balance(self) -> Decimal:
        return sum((getattr(self, bucket) for bucket in BUCKETS), ZERO) + self.disputed

    @property
    def overdue(self) -> Decimal:
        return self.open_balance - self.current - self.disputed

    @property
    def total(self) -> Decimal:
        return self.open_balance - self.unapplied

    def buckets(self) -> dict[str, Decimal]:
        return {bucket: getattr(self, bucket) for bucket in BUCKETS}


@dataclass
class AgingReport:
    as_of: date
    totals: AgingRow
    customers: list[AgingRow] = field(default_factory=list)


def aging_report(*, as_of: date, sort: str = "-total") -> AgingReport:
    """The aging as of `as_of`: per customer (sorted by `sort`, a SORTS name with an optional "-")
    and in total. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_BY_CUSTOMER, {"as_of": as_of})
        rows = [
            AgingRow(
                customer_id=row[0],
                code=row[1],
                name=row[2],
                currency=row[3],
                **dict(zip((*BUCKETS, "disputed", "unapplied"), row[4:], strict=True)),
            )
            for row in cursor.fetchall()
        ]
    totals = AgingRow(customer_id=None, code="", name="Total", currency="")
    for row in rows:
        for name in (*BUCKETS, "disputed", "unapplied"):
            setattr(totals, name, getattr(totals, name) + getattr(row, name))
    key = sort.lstrip("-") if sort.lstrip("-") in SORTS else "total"
    rows.sort(key=lambda row: (getattr(row, key), row.code), reverse=sort.startswith("-"))
    return AgingReport(as_of=as_of, totals=totals, customers=rows)


def aging_totals(*, as_of: date) -> AgingRow:
    """Only the totals of `aging_report` (no per-customer rows): what DSO and the KPIs read."""
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS, {"as_of": as_of})
        row = cursor.fetchone()
    values = dict(zip((*BUCKETS, "disputed", "unapplied"), (value or ZERO for value in row), strict=True))
    return AgingRow(customer_id=None, code="", name="Total", currency="", **values)


@dataclass(frozen=True)
class AgingInvoice:
    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    days_past_due: int
    total: Decimal
    balance: Decimal
    disputed: Decimal
    currency: str

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_past_due)


def bucket_of(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_over_90"


def aging_invoices(*, as_of: date, customer_id: int | None = None) -> list[AgingInvoice]:
    """The invoices open on `as_of` (of one customer, or all), oldest due first: the drill-down."""
    with connection.cursor() as cursor:
        cursor.execute(_INVOICES, {"as_of": as_of, "customer_id": customer_id})
        return [AgingInvoice(*row) for row in cursor.fetchall()]
