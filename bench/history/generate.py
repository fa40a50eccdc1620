"""Generate the history into the scratch database, then check it in SQL."""

from __future__ import annotations

import importlib
import random
import time
from datetime import date, timedelta

from history.rows import DATABASE_URL, DB_NAME, Tables, database_exists, manage, money, psql
from history.simulation import History
from history.world import PRODUCT_WORDS


def stamp_of(*, customers: int, invoices: int, years: int, seed: int, open_customer: int = 0) -> str:
    """The comment a generated database carries: the generator's VERSION and its arguments."""
    from history import VERSION

    return (
        f"o2c-history version={VERSION} customers={customers} invoices={invoices} years={years} seed={seed}"
        f" open_customer={open_customer}"
    )


def database_stamp() -> str:
    """The stamp of the kept database ('' when it has none or does not exist)."""
    return psql(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{DB_NAME}'")


# ── generation ───────────────────────────────────────────────────────────────────────────────────


def generate(*, customers: int, invoices: int, years: int, seed: int, log, open_customer: int = 0) -> dict:
    import psycopg2
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    if database_exists():
        psql(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    manage("migrate", "--noinput", "-v0")
    log(f"created and migrated {DB_NAME} in {time.perf_counter() - started:.1f} s")
    connection = psycopg2.connect(DATABASE_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            "INSERT INTO inventory_warehouse (code, name) VALUES ('HIST', 'History warehouse') RETURNING id"
        )
        (warehouse_id,) = cursor.fetchone()
        rng = random.Random(seed + 1)
        products = []
        for index in range(1, 41):
            name = f"{rng.choice(PRODUCT_WORDS)} {rng.choice('ABCDEFGHKLMNPRSTUVWXZ')}{rng.randint(10, 999)}"
            price = rng.choice((490, 1250, 2990, 4500, 8900, 12900, 24900, 49900, 89000, 149000))
            tax_rate = 7 if index % 5 == 0 else 19
            cursor.execute(
                "INSERT INTO inventory_product (sku, name, kind, unit_price, tax_rate, standard_cost, active)"
                " VALUES (%s, %s, 'stock', %s, %s, %s, true) RETURNING id",
                [f"HP-{index:04d}", name, money(price), tax_rate, money(price * 6 // 10)],
            )
            products.append((cursor.fetchone()[0], name, price, tax_rate))
        cursor.execute("SELECT key, id FROM ledger_account WHERE key IS NOT NULL")
        accounts = dict(cursor.fetchall())
    simulated = time.perf_counter()
    tables = Tables(log)
    history = History(
        tables=tables,
        customers=customers,
        invoices=invoices,
        years=years,
        seed=seed,
        today=today,
        warehouse_id=warehouse_id,
        products=products,
        accounts=accounts,
        open_customer=open_customer,
    )
    history.run(log)
    log(f"simulated {date.fromordinal(history.start)} … {today} in {time.perf_counter() - simulated:.1f} s")
    counts = tables.finish()
    log(f"simulated and loaded in {time.perf_counter() - simulated:.1f} s")
    # The aging rollup's trigger ran at the end of each ledger COPY, before the invoices and
    # payments it joins were committed by their own connections: recompute it from the ledger.
    from receivables.open_items.rollup import REBUILD_SQL

    rebuilt = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_SQL)
    connection.commit()
    log(f"aging rollup rebuilt in {time.perf_counter() - rebuilt:.1f} s")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for table in Tables.COLUMNS:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT MAX(id) FROM {table})))"
            )
        cursor.execute("SELECT setval('o2c_order_number_seq', (SELECT MAX(id) FROM orders_salesorder))")
        cursor.execute("SELECT setval('o2c_shipment_number_seq', (SELECT MAX(id) FROM fulfillment_shipment))")
        for name, last in history.numbers.items():
            cursor.execute(
                "INSERT INTO sequences_sequence (name, last) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET last = %s",
                [name, last, last],
            )
        # what of each order is invoiced and every customer's kept credit exposure (decision 0050),
        # by the SQL of the migration that introduced them
        cursor.execute(importlib.import_module("orders.migrations.0011_exposure_backfill").BACKFILL)
        vacuumed = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        log(f"VACUUM (ANALYZE) in {time.perf_counter() - vacuumed:.1f} s")
        # what was generated, so that a kept database is reused only for the same request
        stamp = stamp_of(
            customers=customers, invoices=invoices, years=years, seed=seed, open_customer=open_customer
        )
        cursor.execute(f"COMMENT ON DATABASE {DB_NAME} IS '{stamp}'")
    connection.close()
    counts["generation_seconds"] = round(time.perf_counter() - started, 1)
    return counts


CHECKS = {
    "invoices whose figures differ from their ledger rows": """
        SELECT count(*) FROM invoicing_invoice i
          LEFT JOIN (SELECT invoice_id, SUM(amount) AS s, MAX(entry_date) AS d FROM receivables_receivableentry
                      WHERE invoice_id IS NOT NULL GROUP BY invoice_id) e ON e.invoice_id = i.id
          LEFT JOIN (SELECT invoice_id, SUM(amount) AS s FROM receivables_allocation
                      WHERE reversed_on IS NULL GROUP BY invoice_id) a ON a.invoice_id = i.id
         WHERE i.balance <> COALESCE(e.s, 0) OR i.last_movement_on <> COALESCE(e.d, i.issue_date)
            OR i.amount_paid <> COALESCE(a.s, 0) OR i.balance < 0""",
    "payments whose figures differ from their cash rows": """
        SELECT count(*) FROM receivables_payment p
          LEFT JOIN (SELECT payment_id, SUM(amount) AS s, MAX(entry_date) AS d FROM receivables_receivableentry
                      WHERE invoice_id IS NULL GROUP BY payment_id) e ON e.payment_id = p.id
          LEFT JOIN (SELECT payment_id, SUM(amount) AS s FROM receivables_allocation
                      WHERE reversed_on IS NULL GROUP BY payment_id) a ON a.payment_id = p.id
         WHERE p.unapplied_amount <> -COALESCE(e.s, 0) OR p.last_movement_on <> e.d
            OR p.amount_applied <> COALESCE(a.s, 0)""",
    "orders whose payment status differs from their invoice": """
        SELECT count(*) FROM orders_salesorder o JOIN invoicing_invoice i ON i.order_id = o.id
         WHERE (i.balance = 0) <> (o.payment_status = 'paid' AND o.status = 'closed')
            OR (i.balance = 0 AND o.paid_on <> i.last_movement_on) OR (i.balance > 0 AND o.paid_on IS NOT NULL)""",
    "unbalanced journal entries": """
        SELECT count(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id
                               HAVING SUM(debit) <> SUM(credit)) x""",
    "receivables (1100) less the open balances": """
        SELECT (SELECT SUM(l.debit - l.credit) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                 WHERE a.key = 'receivables') - (SELECT SUM(balance) FROM invoicing_invoice)""",
    "customer advances (2100) plus the unapplied cash": """
        SELECT (SELECT SUM(l.debit - l.credit) FROM ledger_journalline l JOIN ledger_account a ON a.id = l.account_id
                 WHERE a.key = 'customer_advances') + (SELECT SUM(unapplied_amount) FROM receivables_payment)""",
}


def check(log) -> bool:
    """The generated books are in step (tests/books.py, in SQL), and the aging equals the ledger
    (receivables + customer advances) as of four dates."""
    from django.db import connection
    from django.utils import timezone

    from ledger.selectors import account_balance
    from reporting.aging import aging_totals

    good = True
    with connection.cursor() as cursor:
        for label, sql in CHECKS.items():
            cursor.execute(sql)
            value = cursor.fetchone()[0]
            ok = not value
            good &= ok
            log(f"  check {label}: {value} {'ok' if ok else 'FAILED'}")
    today = timezone.localdate()
    for as_of in (
        today,
        today - timedelta(days=90),
        today - timedelta(days=365),
        today - timedelta(days=730),
    ):
        aging = aging_totals(as_of=as_of).total
        ledger = account_balance(key="receivables", as_of=as_of) + account_balance(
            key="customer_advances", as_of=as_of
        )
        ok = aging == ledger
        good &= ok
        log(
            f"  check aging total = receivables + advances on {as_of}: {aging} / {ledger} {'ok' if ok else 'FAILED'}"
        )
    return good
