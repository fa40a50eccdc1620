"""Accounts receivable aging as of any date, from the open-item ledger (DESIGN.md §2, reporting).

An invoice's balance on date D is the sum of its open-item rows dated on or before D; it falls in a
bucket by D − due date: current (not yet due), 1–30, 31–60, 61–90, over 90 days past due. The part
of it in a dispute open on D (opened on or before D, not resolved by D) is shown apart, as is each
customer's unapplied cash (−Σ its cash rows up to D). `total` = buckets + disputed − unapplied:
the customers' net position, which the ledger's receivables (1100) plus customer advances (2100)
equal on every date.

The open items, their buckets and the disputed cap come from receivables.open_items (one owner
for the statement, dunning, credit exposure and this report); unapplied cash is read here the same
way (`Payment.last_movement_on`). One SQL statement; no Python loop over invoices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection

from o2c.money import ZERO_CENTS as ZERO
from o2c.money import round_money
from receivables.open_items.selectors import (
    AGING_BUCKETS,
    BUCKETS,
    OPEN_ITEMS_NOW_SQL,
    OPEN_ITEMS_SQL,
    bucket_of,
    disputed_capped_sql,
    ledger_ends_by,
)

SORTS = (*BUCKETS, "disputed", "unapplied", "total", "code", "name")
AGING_CSV_COLUMNS = ["customer", "code", "name", *BUCKETS, "disputed", "unapplied", "total"]

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

_BUCKET_SUMS = ",\n".join(
    [
        *(f"SUM(balance - disputed) FILTER (WHERE bucket = '{key}') AS {key}" for key in BUCKETS),
        "SUM(disputed) AS disputed",
    ]
)

_BY_CUSTOMER_TAIL = f"""
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
_BY_CUSTOMER = f"WITH {OPEN_ITEMS_SQL}, {_CASH_ON}, {_BY_CUSTOMER_TAIL}"

# when no ledger row is dated after as_of (today): the stored balances and unapplied cash
_CASH_NOW = """
cash AS (
    SELECT customer_id, SUM(unapplied_amount) AS unapplied FROM receivables_payment
     WHERE unapplied_amount > 0 AND received_on <= %(as_of)s
     GROUP BY customer_id
)
"""
_BY_CUSTOMER_NOW = f"WITH {OPEN_ITEMS_NOW_SQL}, {_CASH_NOW}, {_BY_CUSTOMER_TAIL}"

# The totals are in the base currency (decision 0062): the open items' base balances, the
# disputed part of each at its invoice's base-to-document ratio (rounded once per invoice), and
# the unapplied cash's base amounts. The per-customer rows stay in each customer's currency.
DISPUTED_BASE_SQL = "CASE WHEN {balance} = 0 THEN 0 ELSE ROUND({disputed} * {base} / {balance}, 2) END"
_BASE_BUCKET_SUMS = ",\n".join(
    [
        *(f"SUM(balance_base - disputed_base) FILTER (WHERE bucket = '{key}') AS {key}" for key in BUCKETS),
        "SUM(disputed_base) AS disputed",
    ]
)
_DISPUTED_BASE = DISPUTED_BASE_SQL.format(balance="balance", disputed="disputed", base="balance_base")

# the totals summed from the ledger: what the rollup must equal (the tests compare them)
_TOTALS_FROM_LEDGER = f"""
WITH {OPEN_ITEMS_SQL}, {_CASH_ON.replace("SUM(e.amount)", "SUM(e.amount_base)")}
SELECT {_BASE_BUCKET_SUMS}, (SELECT COALESCE(SUM(unapplied), 0) FROM cash) AS unapplied
  FROM (SELECT *, {_DISPUTED_BASE} AS disputed_base FROM items) based
"""

# The totals from the aging rollup (receivables/open_items/models.py). The buckets before the
# last, open-ended one ("over 90") are the due dates from as_of − LAST_FIRST_DAY + 1 on: summed
# from OpenItemDueDay; the last is the total (OpenItemDay) less them. The disputed part is taken
# out per invoice, as the ledger query does: the invoices in disputes open on as_of (a few
# hundred), each with its balance then.
_LAST = AGING_BUCKETS[-1]
assert _LAST.last_day is None and _LAST.first_day is not None, "the last bucket is open-ended"
_NEAR_DAYS = _LAST.first_day - 1
_NEAR_SUMS = ", ".join(
    f"SUM(amount) FILTER (WHERE {bucket.sql(days='days')})" for bucket in AGING_BUCKETS[:-1]
)
_TOTALS = f"""
WITH near AS (
    SELECT %(as_of)s::date - due_date AS days, SUM(amount) AS amount
      FROM receivables_openitemdueday
     WHERE due_date >= %(as_of)s::date - {_NEAR_DAYS} AND on_date <= %(as_of)s
     GROUP BY due_date
),
open_disputes AS (
    SELECT invoice_id, SUM(amount) AS amount FROM receivables_dispute
     WHERE opened_on <= %(as_of)s AND (resolved_on IS NULL OR resolved_on > %(as_of)s)
     GROUP BY invoice_id
),
disputed AS (
    SELECT %(as_of)s::date - i.due_date AS days,
           {
    DISPUTED_BASE_SQL.format(
        balance="b.balance",
        disputed=disputed_capped_sql(balance="b.balance", disputed="d.amount"),
        base="b.base",
    )
} AS amount
      FROM open_disputes d
      JOIN invoicing_invoice i ON i.id = d.invoice_id AND i.issue_date <= %(as_of)s
     CROSS JOIN LATERAL (
        SELECT SUM(e.amount) AS balance, SUM(e.amount_base) AS base FROM receivables_receivableentry e
         WHERE e.invoice_id = d.invoice_id AND e.entry_date <= %(as_of)s
     ) b
),
by_days AS (
    SELECT days, amount, 0 AS disputed FROM near
    UNION ALL
    SELECT days, -amount, amount FROM disputed
),
days AS (
    SELECT COALESCE(SUM(invoices), 0) AS invoices, COALESCE(SUM(cash), 0) AS cash
      FROM receivables_openitemday WHERE on_date <= %(as_of)s
)
SELECT {_NEAR_SUMS},
       (SELECT invoices FROM days) - COALESCE((SELECT SUM(amount) FROM near), 0)
           - COALESCE(SUM(disputed) FILTER (WHERE {_LAST.sql(days="days")}), 0),
       SUM(disputed),
       -(SELECT cash FROM days)
  FROM by_days
"""

_INVOICES = f"""
WITH {OPEN_ITEMS_SQL}
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
    and in total. One query (two when it checks whether the stored balances are those of `as_of`:
    then it reads them instead of the ledger)."""
    sql = _BY_CUSTOMER_NOW if ledger_ends_by(as_of) else _BY_CUSTOMER
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
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
    if any(row.currency != settings.O2C_BASE_CURRENCY for row in rows):
        # customers in other currencies: the rows are each in its own, the total in the base
        # currency from the rollup (decision 0062)
        totals = aging_totals(as_of=as_of)
        totals.currency = settings.O2C_BASE_CURRENCY
    key = sort.lstrip("-") if sort.lstrip("-") in SORTS else "total"
    rows.sort(key=lambda row: (getattr(row, key), row.code), reverse=sort.startswith("-"))
    return AgingReport(as_of=as_of, totals=totals, customers=rows)


def aging_totals(*, as_of: date) -> AgingRow:
    """Only the totals of `aging_report` (no per-customer rows): what DSO and the KPIs read. One
    statement on the aging rollup: a few thousand rows for any date."""
    return _totals(_TOTALS, as_of)


def aging_totals_from_ledger(*, as_of: date) -> AgingRow:
    """The same totals summed from the open-item rows of the invoices open then (the rollup's
    reference: the tests check that both agree)."""
    return _totals(_TOTALS_FROM_LEDGER, as_of)


def _totals(sql: str, as_of: date) -> AgingRow:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of})
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
        return bucket_of(days_past_due=self.days_past_due)


def aging_invoices(*, as_of: date, customer_id: int | None = None) -> list[AgingInvoice]:
    """The invoices open on `as_of` (of one customer, or all), oldest due first: the drill-down."""
    with connection.cursor() as cursor:
        cursor.execute(_INVOICES, {"as_of": as_of, "customer_id": customer_id})
        return [AgingInvoice(*row) for row in cursor.fetchall()]


def aging_csv_row(row: AgingRow) -> list:
    """A customer's (or the total's) line of the aging CSV, page and API alike."""
    amounts = [*row.buckets().values(), row.disputed, row.unapplied, row.total]
    return [row.customer_id, row.code, row.name, *(round_money(amount) for amount in amounts)]
