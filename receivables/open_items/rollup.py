"""The SQL of the aging rollup (receivables/open_items/models.py): the trigger that keeps it, the
rebuild from the ledger, the nightly compaction, and the aging totals read from it.

Invariant (tests/…/test_rollup.py checks it on random histories): for every date D,
Σ OpenItemDueDay(due_date = d, on_date ≤ D) = Σ of the open-item rows dated ≤ D of the invoices
due on d issued on or before D; Σ OpenItemDay(on_date ≤ D).invoices/.cash = the same over every
invoice / the cash rows of payments received on or before D.
"""

from __future__ import annotations

from django.db import connection

# The rollup is in the base currency (decision 0062): it sums `amount_base`, so the aging totals,
# DSO, KPIs and the dashboard never add up different currencies.
# The rows an INSERT into the ledger adds to the rollup: `new_rows` is the statement's transition
# table. An invoice's and a payment's own rows are inserted in their transaction before (or with)
# their ledger rows, so the joins see them.
_ROLLUP_OF = """
INSERT INTO receivables_openitemdueday (due_date, on_date, amount)
SELECT i.due_date, GREATEST(n.entry_date, i.issue_date), SUM(n.amount_base)
  FROM {rows} n JOIN invoicing_invoice i ON i.id = n.invoice_id
 GROUP BY 1, 2 HAVING SUM(n.amount_base) <> 0;
INSERT INTO receivables_openitemday (on_date, invoices, cash)
SELECT on_date, SUM(invoices), SUM(cash) FROM (
    SELECT GREATEST(n.entry_date, i.issue_date) AS on_date, n.amount_base AS invoices, 0::numeric AS cash
      FROM {rows} n JOIN invoicing_invoice i ON i.id = n.invoice_id
    UNION ALL
    SELECT GREATEST(n.entry_date, p.received_on), 0::numeric, n.amount_base
      FROM {rows} n JOIN receivables_payment p ON p.id = n.payment_id
     WHERE n.invoice_id IS NULL
) x GROUP BY on_date HAVING SUM(invoices) <> 0 OR SUM(cash) <> 0;
"""

# the body of the statement-level AFTER INSERT trigger on receivables_receivableentry
TRIGGER_SQL = _ROLLUP_OF.format(rows="new_rows") + "RETURN NULL;"

# the rollup of every ledger row, from scratch (the migration, the history generator)
REBUILD_SQL = "TRUNCATE receivables_openitemdueday, receivables_openitemday;\n" + _ROLLUP_OF.format(
    rows="receivables_receivableentry"
)

# one row per key: the rows of each key that has several are replaced by their sum (in one
# statement; rows inserted meanwhile are not seen, so not deleted, and stay as they are)
_COMPACT = """
WITH keys AS (
    SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1
), gone AS (
    DELETE FROM {table} t USING keys k WHERE {join} RETURNING {returning}
)
INSERT INTO {table} ({key}, {values})
SELECT {key}, {sums} FROM gone GROUP BY {key} HAVING {nonzero}
"""
COMPACT_SQL = [
    _COMPACT.format(
        table="receivables_openitemdueday",
        key="due_date, on_date",
        join="t.due_date = k.due_date AND t.on_date = k.on_date",
        returning="t.due_date, t.on_date, t.amount",
        values="amount",
        sums="SUM(amount)",
        nonzero="SUM(amount) <> 0",
    ),
    _COMPACT.format(
        table="receivables_openitemday",
        key="on_date",
        join="t.on_date = k.on_date",
        returning="t.on_date, t.invoices, t.cash",
        values="invoices, cash",
        sums="SUM(invoices), SUM(cash)",
        nonzero="SUM(invoices) <> 0 OR SUM(cash) <> 0",
    ),
]


def rollup_compact() -> int:
    """Merge the rollup's rows per key (nightly; safe to run any time, twice, or concurrently);
    returns the rows written."""
    written = 0
    with connection.cursor() as cursor:
        for sql in COMPACT_SQL:
            cursor.execute(sql)
            written += max(cursor.rowcount, 0)
    return written


def rollup_rebuild() -> None:
    """Recompute the rollup from the ledger (after a bulk load that bypassed nothing but ran
    while the invoices were not yet committed, or to repair)."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_SQL)
