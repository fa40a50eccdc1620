"""Reporting at scale: generate years of order-to-cash history with COPY, then time the aging
report, DSO, the KPIs and the manager dashboard on it and show their plans.

    .venv/bin/python bench/history.py --customers 10000 --invoices 1000000 --years 3
    .venv/bin/python bench/history.py --keep --only-time        # time again on the kept database
    .venv/bin/python bench/history.py --keep --only-time --no-pages --no-jit

It (re)creates the scratch database `o2c_history` on the local PostgreSQL (the server of
BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432), migrates it with
`manage.py migrate`, and fills it through PostgreSQL COPY while a day-by-day simulation writes the
rows: customers, products, orders with one line each, their shipments with one line, invoices
with one line, credit notes, disputes, payments with their allocations, reversals, refunds and
write-offs, the open-item ledger rows of every movement, the order timeline and daily summary
journal entries. Each table streams to its own connection; every constraint, foreign key and
trigger stays on (the keys are deferred: a table commits after the tables it refers to). Every
row is written once with its final values (the protect triggers refuse later updates); invoice
and payment figures are the sums of their ledger rows, which `check()` verifies in SQL after the
load, with the aging total against the ledger on four dates. Then it runs VACUUM ANALYZE, times
each report and page (median of 5 runs after 1 warm-up) and prints EXPLAIN (ANALYZE, BUFFERS) of
the aging and DSO statements. With --keep or --only-time, new migrations are applied to the kept
database first.

The history (see docs/decisions/0019-history-generator.md): invoices on working days over `years`
years ending today with monthly seasonality and growth; customers of very different sizes on 14,
30 or 60 days' terms, each with a payment habit (prompt, steady, slow, erratic, bad), some paying in
weekly runs (one payment settling several invoices); a few percent disputed (credited, rejected,
withdrawn or still open), credited in part or in full, paid in two parts, bounced and paid again,
overpaid (some refunded), paid before being matched (applied days later), written off after
months, or still open and overdue.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from order_intake import SERVER_URL
from order_intake import env as bench_env

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "o2c_history"
DATABASE_URL = f"{SERVER_URL}/{DB_NAME}"
CURRENCY = "EUR"
MANAGER_USERNAME = "history-manager"


def env() -> dict[str, str]:
    return {**bench_env(), "DATABASE_URL": DATABASE_URL, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}


def manage(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(), capture_output=True, text=True, check=True
    )
    return result.stdout


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{SERVER_URL}/{database}", "-qAtc", sql], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def database_exists() -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'") == "1"


# ── formatting for COPY text format (tab-separated, \N is NULL) ─────────────────────────────────────

NULL = "\\N"


def money(cents: int) -> str:
    if cents < 0:
        return "-" + money(-cents)
    units, hundredths = divmod(cents, 100)
    return f"{units}.{hundredths:02d}"


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (both positive)."""
    return (2 * numerator + denominator) // (2 * denominator)


class Days:
    """ISO strings, weekdays and timestamps of day ordinals, computed once."""

    def __init__(self, first: int, last: int):
        self.first = first
        self.iso = [date.fromordinal(o).isoformat() for o in range(first, last + 1)]
        self.noons = [f"{iso} 12:00:00+00" for iso in self.iso]

    def __getitem__(self, ordinal: int) -> str:
        return self.iso[ordinal - self.first]

    def noon(self, ordinal: int) -> str:
        return self.noons[ordinal - self.first]

    def at(self, ordinal: int, hour: int, minute: int = 0) -> str:
        return f"{self.iso[ordinal - self.first]} {hour:02d}:{minute:02d}:00+00"


def weekday(ordinal: int) -> int:
    return (ordinal + 6) % 7  # date(1, 1, 1) is ordinal 1, a Monday


def next_working_day(ordinal: int) -> int:
    wd = weekday(ordinal)
    return ordinal + (7 - wd if wd >= 5 else 0)


def next_friday(ordinal: int) -> int:
    return ordinal + (4 - weekday(ordinal)) % 7


def pay_day(target: int, *, early: bool, weekly: bool, first: int) -> int:
    """When a payment meant for `target` leaves: on a working day, or in the customer's weekly
    Friday run; one meant to be on time goes on the day before, never after (not before `first`)."""
    if weekly:
        day = target - (weekday(target) - 4) % 7 if early else next_friday(target)
        return day if day >= first else next_friday(first)
    if early and weekday(target) >= 5:
        day = target - (weekday(target) - 4)
        return day if day >= first else next_working_day(first)
    return next_working_day(max(target, first))


_LEDGER_PARENTS = ["invoicing_invoice", "receivables_payment", "invoicing_creditnote", "receivables_writeoff"]


class Stream:
    """Rows of one table on their way to its COPY: the simulation appends COPY text lines, a loader
    thread reads them in chunks (`read` is what copy_expert calls)."""

    CHUNK_ROWS = 8192  # about 1 MB

    def __init__(self, bounded: bool):
        self.queue: queue.Queue = queue.Queue(maxsize=16 if bounded else 0)  # 16 MB waiting at most
        self.buffer: list[str] = []
        self.rows = 0
        self.closed = False  # by the simulation
        self.ended = False  # read to its end by the loader

    def put(self, line: str) -> None:
        buffer = self.buffer
        buffer.append(line)
        if len(buffer) >= self.CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.rows += len(self.buffer)
            self.queue.put("".join(self.buffer))
            self.buffer = []

    def close(self) -> None:
        self.flush()
        self.queue.put("")
        self.closed = True

    def read(self, size: int = -1) -> str:
        chunk = self.queue.get()
        self.ended = chunk == ""
        return chunk


class Tables:
    """One stream per table, each loaded by its own connection while the simulation runs."""

    COLUMNS = {
        "customers_customer": "id, code, name, email, currency, payment_terms_days, credit_limit, blocked, "
        "dunning_enabled, tax_exempt, vat_number, billing_address, shipping_address, created_at, updated_at",
        "orders_salesorder": "id, number, currency, order_date, requested_delivery_date, customer_reference, "
        "ship_to, net_total, tax_total, total, status, fulfillment_status, billing_status, payment_status, "
        "created_at, submitted_at, late, created_by_id, customer_id, warehouse_id, paid_on",
        "orders_salesorderline": "id, position, description, is_stock, quantity, unit_price, discount_percent, "
        "tax_rate, net_amount, tax_amount, total_amount, quantity_reserved, quantity_backordered, "
        "quantity_shipped, quantity_invoiced, order_id, product_id",
        "fulfillment_shipment": "id, number, status, carrier, tracking_number, estimated_delivery, shipped_at, "
        "delivered_at, late, created_at, created_by_id, order_id, warehouse_id",
        "fulfillment_shipmentline": "id, quantity, order_line_id, product_id, shipment_id",
        "invoicing_invoice": "id, number, currency, issue_date, due_date, customer_reference, billing_address, "
        "net_total, tax_total, total, amount_paid, amount_credited, amount_written_off, balance, status, pdf, "
        "emailed_at, created_at, customer_id, order_id, shipment_id, last_movement_on",
        "invoicing_invoiceline": "id, position, description, quantity, unit_price, discount_percent, tax_rate, "
        "net_amount, tax_amount, total_amount, invoice_id, order_line_id, product_id",
        "invoicing_creditnote": "id, number, currency, issue_date, reason, net_total, tax_total, total, pdf, "
        "emailed_at, created_at, created_by_id, customer_id, invoice_id",
        "invoicing_creditnoteline": "id, description, quantity, tax_rate, net_amount, tax_amount, total_amount, "
        "credit_note_id, invoice_line_id",
        "receivables_payment": "id, number, currency, amount, amount_applied, amount_refunded, "
        "unapplied_amount, method, reference, received_on, note, source, status, reversed_on, "
        "reversal_reason, created_at, created_by_id, customer_id, last_movement_on",
        "receivables_allocation": "id, amount, applied_on, reversed_on, created_at, created_by_id, invoice_id, "
        "payment_id",
        "receivables_writeoff": "id, amount, reason, written_off_on, created_at, created_by_id, customer_id, "
        "invoice_id",
        "receivables_dispute": "id, amount, reason, note, status, opened_on, opened_at, resolved_on, "
        "resolution_note, credit_note_id, customer_id, invoice_id, opened_by_id, owner_id, resolved_by_id",
        "receivables_receivableentry": "id, kind, entry_date, amount, currency, created_at, credit_note_id, "
        "customer_id, invoice_id, payment_id, write_off_id",
        "orders_orderevent": "id, at, event, from_status, to_status, detail, actor_id, order_id",
        "ledger_journalentry": "id, number, date, memo, source, source_reference, posted_at, posted_by_id, "
        "reversal_of_id",
        "ledger_journalline": "id, debit, credit, currency, amount_currency, description, account_id, entry_id",
    }
    # What each table's foreign keys need committed before its own transaction commits (the keys
    # are DEFERRABLE INITIALLY DEFERRED, so they are checked at commit, not during the COPY).
    PARENTS = {
        "customers_customer": [],
        "orders_salesorder": ["customers_customer"],
        "fulfillment_shipment": ["orders_salesorder"],
        "invoicing_invoice": ["customers_customer", "orders_salesorder", "fulfillment_shipment"],
        "receivables_payment": ["customers_customer"],
        "invoicing_creditnote": ["invoicing_invoice"],
        "receivables_writeoff": ["invoicing_invoice"],
        "receivables_receivableentry": _LEDGER_PARENTS,
        "receivables_receivableentry#2": _LEDGER_PARENTS,
        "orders_salesorderline": ["orders_salesorder"],
        "receivables_allocation": ["receivables_payment", "invoicing_invoice"],
        "orders_orderevent": ["orders_salesorder"],
        "fulfillment_shipmentline": ["fulfillment_shipment", "orders_salesorderline"],
        "invoicing_invoiceline": ["invoicing_invoice", "orders_salesorderline"],
        "invoicing_creditnoteline": ["invoicing_creditnote"],
        "receivables_dispute": ["invoicing_invoice", "invoicing_creditnote"],
        "ledger_journalentry": [],  # with its lines, in one transaction: the balance triggers run at commit
    }
    # The order in which workers take tables: every table after its parents, the long ones early.
    START = list(PARENTS)
    PARTS = {"receivables_receivableentry#2": "receivables_receivableentry"}  # a second file, loaded beside

    def __init__(self, log):
        # the journal lines wait until the journal entries are in (one transaction): unbounded
        self.streams = {
            name: Stream(bounded=name != "ledger_journalline") for name in [*self.COLUMNS, *self.PARTS]
        }
        self.log = log
        self.committed = {name: threading.Event() for name in self.PARENTS}
        self.failures: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self.load, args=(name,), daemon=True) for name in self.PARENTS
        ]
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()

    def writer(self, name: str):
        put = self.streams[name].put

        def row(*fields) -> None:
            put("\t".join(fields) + "\n")

        return row

    def close(self, name: str) -> None:
        self.streams[name].close()

    def finish(self) -> dict[str, int]:
        """Close every stream, wait for every commit; the row counts per table."""
        for stream in self.streams.values():
            if not stream.closed:
                stream.close()
        for thread in self.threads:
            thread.join()
        if self.failures:
            raise self.failures[0]
        counts = dict.fromkeys(self.COLUMNS, 0)
        for name, stream in self.streams.items():
            counts[self.PARTS.get(name, name)] += stream.rows
        return counts

    def load(self, name: str) -> None:
        """COPY one table (or part) as its rows come, then commit once its parents have."""
        import psycopg2

        names = [name, "ledger_journalline"] if name == "ledger_journalentry" else [name]
        connection = psycopg2.connect(DATABASE_URL)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                for part in names:
                    table = self.PARTS.get(part, part)
                    cursor.copy_expert(f"COPY {table} ({self.COLUMNS[table]}) FROM STDIN", self.streams[part])
                copied = time.perf_counter()
                for parent in self.PARENTS[name]:
                    while not self.committed[parent].wait(0.5):
                        if self.failures:
                            return
                waited = time.perf_counter()
                connection.commit()
                self.committed[name].set()
                done = time.perf_counter()
                rows = sum(self.streams[part].rows for part in names)
                self.log(
                    f"  {name}: {rows:,} rows; copied by {copied - self.started:.0f} s, "
                    f"parents committed by {waited - self.started:.0f} s, "
                    f"committed (foreign keys checked) in {done - waited:.1f} s"
                )
        except BaseException as error:  # re-raised by finish()
            self.failures.append(error)
            for part in names:  # let the simulation go on to its end
                while not self.streams[part].ended:
                    self.streams[part].read()
        finally:
            connection.close()


# ── the simulation ───────────────────────────────────────────────────────────────────────────────

MONTH_FACTOR = {
    1: 0.85,
    2: 0.9,
    3: 1.1,
    4: 1.0,
    5: 1.0,
    6: 1.05,
    7: 0.9,
    8: 0.72,
    9: 1.05,
    10: 1.1,
    11: 1.2,
    12: 1.0,
}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.0, 0.08, 0.02)
HABITS = (("prompt", 55), ("steady", 25), ("slow", 12), ("erratic", 6), ("bad", 2))
TERMS = ((14, 25), (30, 55), (60, 20))
NAME_A = (
    "Nord",
    "Süd",
    "Alpen",
    "Rhein",
    "Elb",
    "Hansa",
    "Berg",
    "Tal",
    "Wald",
    "See",
    "Stern",
    "Blau",
    "Grün",
    "Adler",
    "Falken",
    "Linden",
    "Eichen",
    "Kristall",
    "Sonnen",
    "Mond",
    "Atlas",
    "Nova",
    "Vega",
    "Orion",
)
NAME_B = (
    "technik",
    "handel",
    "bau",
    "logistik",
    "werk",
    "systeme",
    "medien",
    "küchen",
    "möbel",
    "optik",
    "metall",
    "papier",
    "textil",
    "elektro",
    "garten",
    "sport",
    "druck",
    "holz",
    "glas",
    "chemie",
    "pharma",
    "food",
)
NAME_C = ("GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "SE", "OHG", "UG")
CITIES = ("Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Bremen")
PRODUCT_WORDS = (
    "Bracket",
    "Valve",
    "Sensor",
    "Cable set",
    "Pump",
    "Filter",
    "Bearing",
    "Controller",
    "Panel",
    "Housing",
    "Adapter",
    "Switch",
    "Gasket",
    "Motor",
    "Relay",
    "Fan",
    "Hinge",
    "Clamp",
    "Nozzle",
    "Spring",
)
CARRIERS = ("DHL", "DPD", "UPS", "GLS")
DISPUTE_REASONS = ("pricing", "quantity", "damaged", "not_received", "quality", "other")
METHODS = (("bank_transfer", 80), ("direct_debit", 12), ("card", 5), ("cheque", 3))
SOURCES = (("bank_statement", 60), ("manual", 30), ("api", 10))

# Event kinds, processed in this order within a day.
DISPUTE_OPEN, DISPUTE_RESOLVE, CREDIT, PAY, SOLO_PAY, APPLY, REVERSE, REFUND, WRITE_OFF = range(9)


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class History:
    """Simulates `years` of trading day by day and writes every row to `tables`."""

    def __init__(
        self,
        *,
        tables: Tables,
        customers: int,
        invoices: int,
        years: int,
        seed: int,
        today: date,
        warehouse_id: int,
        products: list[tuple[int, str, int, int]],
        accounts: dict[str, int],
    ):
        self.t = tables
        self.rng = random.Random(seed)
        self.n_customers = customers
        self.n_invoices = invoices
        self.today = today.toordinal()
        self.start = (today - relativedelta(years=years) + timedelta(days=1)).toordinal()
        self.days = Days(self.start - 400, self.today + 800)
        self.warehouse_id = warehouse_id
        self.products = products  # (id, name, price cents, tax rate %)
        self.accounts = accounts
        self.events: dict[int, list] = defaultdict(list)
        self.numbers: dict[str, int] = defaultdict(int)  # "invoice-2026" → last number
        # writers
        self.w_entry = tables.writer("receivables_receivableentry")
        self.w_alloc = tables.writer("receivables_allocation")
        self.w_cn = tables.writer("invoicing_creditnote")
        self.w_cnl = tables.writer("invoicing_creditnoteline")
        self.w_wo = tables.writer("receivables_writeoff")
        self.w_event = tables.writer("orders_orderevent")
        self.w_je = tables.writer("ledger_journalentry")
        self.w_jl = tables.writer("ledger_journalline")
        self.w_line = tables.writer("orders_salesorderline")
        self.w_shipment = tables.writer("fulfillment_shipment")
        self.w_shipment_line = tables.writer("fulfillment_shipmentline")
        self.w_invoice_line = tables.writer("invoicing_invoiceline")
        self.ids = defaultdict(int)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def number(self, series: str, prefix: str, ordinal: int) -> str:
        year = self.days[ordinal][:4]
        key = f"{series}-{year}"
        self.numbers[key] += 1
        return f"{prefix}-{year}-{self.numbers[key]:06d}"

    # ── customers ──

    def make_customers(self) -> None:
        rng, write = self.rng, self.t.writer("customers_customer")
        created = self.days.at(self.start - 30, 8)
        # per customer, index = customer id
        self.c_terms, self.c_habit, self.c_batch = [0], [""], [False]
        self.c_exempt, self.c_name, self.c_address = [False], [""], [""]
        weights = []
        for cid in range(1, self.n_customers + 1):
            terms = weighted(rng, TERMS)
            habit = weighted(rng, HABITS)
            exempt = rng.random() < 0.02
            name = f"{rng.choice(NAME_A)}{rng.choice(NAME_B)} {rng.choice(NAME_C)}"
            city = rng.choice(CITIES)
            address = f"{name}\\nIndustriestraße {rng.randint(1, 199)}\\n{rng.randint(10000, 99999)} {city}"
            size = rng.lognormvariate(0, 1.3)
            weights.append(size)
            limit = NULL if rng.random() < 0.3 else money(max(5, round(size * 20)) * 100000)
            self.c_terms.append(terms)
            self.c_habit.append(habit)
            self.c_batch.append(rng.random() < 0.35)
            self.c_exempt.append(exempt)
            self.c_name.append(name)
            self.c_address.append(address)
            write(
                str(cid),
                f"H{cid:06d}",
                name,
                f"ap{cid:06d}@history.example",
                CURRENCY,
                str(terms),
                limit,
                "t" if habit == "bad" and rng.random() < 0.3 else "f",
                "f" if rng.random() < 0.03 else "t",
                "t" if exempt else "f",
                "" if exempt else f"DE{rng.randint(100000000, 999999999)}",
                address,
                address,
                created,
                created,
            )
        total, running = sum(weights), 0.0
        self.c_cumulative = []
        for weight in weights:
            running += weight / total
            self.c_cumulative.append(running)

    # ── the days ──

    def invoice_days(self) -> list[int]:
        """How many invoices each day issues: working days, seasonality, 30 % growth; sums to N."""
        ordinals = range(self.start, self.today + 1)
        span = max(1, self.today - self.start)
        weights = [
            WEEKDAY_FACTOR[weekday(o)]
            * MONTH_FACTOR[date.fromordinal(o).month]
            * (0.85 + 0.3 * (o - self.start) / span)
            for o in ordinals
        ]
        total = sum(weights)
        exact = [self.n_invoices * w / total for w in weights]
        counts = [int(x) for x in exact]
        short = self.n_invoices - sum(counts)
        for index in sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])[:short]:
            counts[index] += 1
        return counts

    def run(self, log) -> None:
        n = self.n_invoices
        self.make_customers()
        self.t.close("customers_customer")
        self.customer_of = [0, *(1 + min(i, self.n_customers - 1) for i in self._draw_customers(n))]
        # per-invoice state, index = invoice id
        z = [0] * (n + 1)
        self.i_total, self.i_net, self.i_tax, self.i_rate = z[:], z[:], z[:], z[:]
        self.i_paid, self.i_credited, self.i_written, self.i_disputed = z[:], z[:], z[:], z[:]
        self.i_issue, self.i_due, self.i_last, self.i_order_date = z[:], z[:], z[:], z[:]
        self.i_number = [""] * (n + 1)
        self.i_submitted = [""] * (n + 1)
        self.i_requested = [NULL] * (n + 1)
        self.i_late = [False] * (n + 1)
        # payments, index = payment id
        self.p_customer, self.p_amount, self.p_applied, self.p_refunded = [0], [0], [0], [0]
        self.p_received, self.p_last, self.p_reversed, self.p_number = [0], [0], [0], [""]
        self.p_reference, self.p_method, self.p_source, self.p_note = [""], [""], [""], [""]
        self.p_held: dict[int, list] = {}  # allocations of payments that will bounce, written on reversal
        # disputes
        self.disputes: list[list] = []
        invoice_id = 0
        counts = self.invoice_days()
        for index, ordinal in enumerate(range(self.start, self.today + 1)):
            if index == len(counts) // 2:  # the second half of the ledger rows: a second stream
                self.t.close("receivables_receivableentry")
                self.w_entry = self.t.writer("receivables_receivableentry#2")
            self.journal = defaultdict(int)
            for _ in range(counts[index]):
                invoice_id += 1
                self.issue(invoice_id, ordinal)
            self.process(ordinal)
            self.post_journal(ordinal)
            if (ordinal - self.start) % 91 == 90:
                log(
                    f"  simulated to {self.days[ordinal]}: {invoice_id:,} invoices, {len(self.p_amount) - 1:,} payments"
                )
        self.extra_orders = self.open_orders(invoice_id)
        for name in Tables.COLUMNS:  # done with all but the final figures and the order timeline
            if name not in (
                "invoicing_invoice",
                "orders_salesorder",
                "receivables_payment",
                "receivables_dispute",
                "orders_orderevent",
            ):
                self.t.close(name)
        self.t.close("receivables_receivableentry#2")
        self.write_final()

    def _draw_customers(self, n: int) -> list[int]:
        from bisect import bisect_left

        cumulative, random_ = self.c_cumulative, self.rng.random
        return [bisect_left(cumulative, random_()) for _ in range(n)]

    # ── issuing an invoice: the order, its shipment, the invoice, and its fate ──

    def issue(self, iid: int, day: int) -> None:
        rng, days = self.rng, self.days
        cid = self.customer_of[iid]
        pid, pname, price, rate = self.products[rng.randrange(len(self.products))]
        if self.c_exempt[cid]:
            rate = 0
        quantity = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 20, 25, 50))
        discount = rng.choice((0, 0, 0, 0, 0, 0, 2, 3, 5, 10))
        net = half_up(quantity * price * (100 - discount), 100)
        tax = half_up(net * rate, 100)
        total = net + tax
        order_date = day - rng.choice((0, 0, 1, 1, 2, 3, 4, 6))
        submitted_hour = rng.randint(7, 11)
        self.i_total[iid], self.i_net[iid], self.i_tax[iid], self.i_rate[iid] = total, net, tax, rate
        self.i_issue[iid], self.i_last[iid], self.i_order_date[iid] = day, day, order_date
        due = day + self.c_terms[cid]
        self.i_due[iid] = due
        number = self.number("invoice", "INV", day)
        self.i_number[iid] = number
        self.i_submitted[iid] = days.at(order_date, submitted_hour, rng.randint(0, 59))
        requested = order_date + rng.randint(3, 10) if rng.random() < 0.6 else None
        self.i_requested[iid] = NULL if requested is None else days[requested]
        # order line, shipment, shipment line, invoice line (ids = invoice id: one each per invoice)
        s_iid, s_pid, s_q = str(iid), str(pid), f"{quantity}.000"
        args = (money(price), f"{discount}.00", f"{rate}.00", money(net), money(tax), money(total))
        self.w_line(s_iid, "1", pname, "t", s_q, *args, "0.000", "0.000", s_q, s_q, s_iid, s_pid)
        estimated = day + rng.randint(1, 4)
        delivered = estimated - rng.randint(0, 1) if rng.random() < 0.85 else estimated + rng.randint(1, 3)
        delivered = max(delivered, day + 1)
        carrier = CARRIERS[iid % 4]
        is_delivered = delivered <= self.today
        late = delivered > estimated if is_delivered else estimated < self.today
        self.i_late[iid] = requested is not None and day > requested
        self.w_shipment(
            s_iid,
            f"SH-{days[day][:4]}-{iid:06d}",
            "delivered" if is_delivered else "shipped",
            carrier,
            f"{carrier}{iid:011d}",
            days[estimated],
            days.at(day, 15),
            days.at(delivered, rng.randint(8, 16)) if is_delivered else NULL,
            "t" if late else "f",
            days.at(day, 13),
            NULL,
            s_iid,
            str(self.warehouse_id),
        )
        self.w_shipment_line(s_iid, s_q, s_iid, s_pid, s_iid)
        self.w_invoice_line(s_iid, "1", pname, s_q, *args, s_iid, s_iid, s_pid)
        # the order's timeline: approved (or held, then released), fulfilled when shipped and invoiced
        if rng.random() < 0.03:
            self.order_event(days.at(order_date, submitted_hour, 5), "credit_hold", "draft", "on_hold", iid)
            release = rng.randint(1, 4)
            self.order_event(
                days.at(order_date, submitted_hour + release), "hold_released", "on_hold", "open", iid
            )
        else:
            self.order_event(days.at(order_date, submitted_hour, 5), "approved", "draft", "open", iid)
        self.order_event(days.at(day, 15, 1), "fulfilled", "open", "fulfilled", iid)
        # the open-item row and the day's journal
        self.entry("invoice", day, total, cid, invoice=iid)
        journal = self.journal
        journal["inv_total"] += total
        journal["inv_net"] += net
        journal["inv_tax"] += tax
        self.plan(iid, cid, day, due)

    def plan(self, iid: int, cid: int, day: int, due: int) -> None:
        """Decide what happens to the invoice and schedule it (events after today never happen)."""
        rng, schedule = self.rng, self.schedule
        habit = self.c_habit[cid]
        if habit == "prompt":  # before the due date
            delay = rng.randint(-10, -1)
        elif habit == "steady":  # on time, one invoice in five a little late
            delay = rng.randint(-6, -1) if rng.random() < 0.8 else rng.randint(1, 20)
        elif habit == "slow":
            delay = rng.randint(5, 25) + int(rng.expovariate(1 / 12))
        elif habit == "erratic":
            delay = rng.randint(-5, 2) if rng.random() < 0.85 else rng.randint(45, 200)
        else:  # bad
            if rng.random() < 0.35:  # never paid: written off after months, or still open
                if rng.random() < 0.7:
                    schedule(due + rng.randint(150, 240), WRITE_OFF, iid)
                return
            delay = rng.randint(20, 90)
        pay = pay_day(due + delay, early=delay < 0, weekly=self.c_batch[cid], first=day + 1)
        fate = rng.random()
        if fate < 0.02:  # disputed, in full or in part
            opened = day + rng.randint(2, 20)
            schedule(opened, DISPUTE_OPEN, iid, rng.random() < 0.5)
            schedule(max(pay, opened + 1), PAY, iid, None)  # pays what is not in dispute
        elif fate < 0.035:  # credited in part (a return, a price correction), the rest paid
            credited = day + rng.randint(1, 25)
            schedule(credited, CREDIT, iid, rng.uniform(0.05, 0.4), None)
            schedule(max(pay, credited), PAY, iid, None)
        elif fate < 0.04:  # cancelled by a full credit note
            schedule(day + rng.randint(1, 20), CREDIT, iid, 1.0, None)
        elif fate < 0.065:  # paid in two parts
            schedule(
                next_working_day(max(day + 1, pay - rng.randint(0, 10))), PAY, iid, rng.uniform(0.3, 0.7)
            )
            schedule(next_working_day(pay + rng.randint(10, 45)), PAY, iid, None)
        elif fate < 0.068:  # the payment bounces, is reversed, and the customer pays again
            bounced = next_working_day(pay + rng.randint(2, 8))
            schedule(pay, SOLO_PAY, iid, "bounce", bounced)
        elif fate < 0.078:  # overpaid: the excess stays unapplied, half of it refunded later
            schedule(pay, SOLO_PAY, iid, "overpay", None)
        elif fate < 0.088:  # paid without a usable reference: unapplied cash, applied days later
            schedule(pay, SOLO_PAY, iid, "unmatched", None)
        else:
            schedule(pay, PAY, iid, None)

    def schedule(self, ordinal: int, kind: int, *args) -> None:
        if ordinal <= self.today:
            self.events[ordinal].append((kind, *args))

    # ── rows ──

    def entry(
        self,
        kind: str,
        day: int,
        amount: int,
        cid: int,
        *,
        invoice=None,
        payment=None,
        credit_note=None,
        write_off=None,
    ) -> None:
        self.w_entry(
            str(self.next_id("entry")),
            kind,
            self.days[day],
            money(amount),
            CURRENCY,
            self.days.noon(day),
            NULL if credit_note is None else str(credit_note),
            str(cid),
            NULL if invoice is None else str(invoice),
            NULL if payment is None else str(payment),
            NULL if write_off is None else str(write_off),
        )

    def order_event(
        self, at: str, event: str, from_status: str, to_status: str, order_id: int, detail: str = ""
    ) -> None:
        self.w_event(
            str(self.next_id("order_event")), at, event, from_status, to_status, detail, NULL, str(order_id)
        )

    def balance(self, iid: int) -> int:
        return self.i_total[iid] - self.i_paid[iid] - self.i_credited[iid] - self.i_written[iid]

    def touch(self, iid: int, day: int) -> None:
        if day > self.i_last[iid]:
            self.i_last[iid] = day

    # ── a day's movements ──

    def process(self, day: int) -> None:
        events = self.events.pop(day, None)
        if not events:
            return
        events.sort(key=lambda event: event[0])
        batches: dict[int, list] = defaultdict(list)
        for kind, *args in events:
            if kind != PAY and batches:  # the day's ordinary payments, one per customer
                self.flush_batches(day, batches)
            if kind == DISPUTE_OPEN:
                self.dispute_open(day, *args)
            elif kind == DISPUTE_RESOLVE:
                self.dispute_resolve(day, *args)
            elif kind == CREDIT:
                self.credit(day, *args)
            elif kind == PAY:
                batches[self.customer_of[args[0]]].append(args)
            elif kind == SOLO_PAY:
                self.pay_batch(
                    day, self.customer_of[args[0]], [(args[0], None)], special=args[1], bounce_on=args[2]
                )
            elif kind == APPLY:
                self.apply(day, *args)
            elif kind == REVERSE:
                self.reverse(day, *args)
            elif kind == REFUND:
                self.refund(day, *args)
            elif kind == WRITE_OFF:
                self.write_off(day, *args)
        self.flush_batches(day, batches)

    def flush_batches(self, day: int, batches: dict) -> None:
        for cid, items in batches.items():
            self.pay_batch(day, cid, items)
        batches.clear()

    def dispute_open(self, day: int, iid: int, full: bool) -> None:
        rng = self.rng
        free = self.balance(iid) - self.i_disputed[iid]
        if free <= 0:
            return
        amount = free if full else max(1, round(free * rng.uniform(0.1, 0.5)))
        dispute_id = len(self.disputes) + 1
        outcome = weighted(rng, (("credited", 40), ("rejected", 35), ("withdrawn", 25)))
        # [id, invoice, amount, reason, opened, status, resolved, credit note]
        self.disputes.append([dispute_id, iid, amount, rng.choice(DISPUTE_REASONS), day, "open", None, None])
        self.i_disputed[iid] += amount
        self.schedule(day + rng.randint(5, 60), DISPUTE_RESOLVE, dispute_id, outcome)

    def dispute_resolve(self, day: int, dispute_id: int, outcome: str) -> None:
        dispute = self.disputes[dispute_id - 1]
        iid, amount = dispute[1], dispute[2]
        dispute[5], dispute[6] = outcome, day
        self.i_disputed[iid] -= amount
        if outcome == "credited":
            dispute[7] = self.credit(
                day, iid, None, min(amount, self.balance(iid)), reason="Dispute resolved by credit note"
            )
        else:
            self.schedule(next_working_day(day + self.rng.randint(1, 15)), PAY, iid, None)

    def credit(
        self, day: int, iid: int, share: float | None, amount: int | None, reason: str = ""
    ) -> int | None:
        balance = self.balance(iid) - self.i_disputed[iid]
        gross = min(balance, amount if amount is not None else max(1, round(self.i_total[iid] * share)))
        if share == 1.0:
            gross = balance
        if gross <= 0:
            return None
        rate = self.i_rate[iid]
        net = half_up(gross * 100, 100 + rate)
        tax = gross - net
        cn = self.next_id("credit_note")
        cid = self.customer_of[iid]
        reason = reason or ("Order cancelled" if share == 1.0 else "Returned goods / price correction")
        self.w_cn(
            str(cn),
            self.number("credit_note", "CN", day),
            CURRENCY,
            self.days[day],
            reason,
            money(net),
            money(tax),
            money(gross),
            "",
            self.days.at(day, 12, 10),
            self.days.noon(day),
            NULL,
            str(cid),
            str(iid),
        )
        self.w_cnl(
            str(cn),
            f"Credit at {rate}.00 % tax",
            NULL,
            f"{rate}.00",
            money(net),
            money(tax),
            money(gross),
            str(cn),
            NULL,
        )
        self.entry("credit_note", day, -gross, cid, invoice=iid, credit_note=cn)
        self.i_credited[iid] += gross
        self.touch(iid, day)
        journal = self.journal
        journal["cn_total"] += gross
        journal["cn_net"] += net
        journal["cn_tax"] += tax
        return cn

    def pay_batch(
        self, day: int, cid: int, items, special: str | None = None, bounce_on: int | None = None
    ) -> None:
        """One payment from `cid` settling `items` ((invoice, share of its free balance or None));
        `special` is bounce / overpay / unmatched for a payment of one invoice."""
        rng = self.rng
        parts, taken = [], defaultdict(int)  # an invoice may come twice in a batch
        for iid, share in items:
            free = self.balance(iid) - self.i_disputed[iid] - taken[iid]
            if free <= 0:
                continue
            amount = free if share is None else min(free, max(1, round(free * share)))
            taken[iid] += amount
            parts.append((iid, amount))
        if not parts:
            return
        applied = sum(amount for _, amount in parts)
        extra = 0
        if special == "overpay":
            extra = applied if rng.random() < 0.1 else rng.randint(100, 5000)  # paid twice, or rounded up
        pid = len(self.p_amount)
        number = self.number("payment", "PAY", day)
        numbers = [self.i_number[iid] for iid, _ in parts]
        reference = "" if special == "unmatched" else " ".join(numbers[:6])[:200]
        self.p_customer.append(cid)
        self.p_amount.append(applied + extra)
        self.p_received.append(day)
        self.p_last.append(day)
        self.p_reversed.append(0)
        self.p_number.append(number)
        self.p_reference.append(
            reference if rng.random() > 0.05 else f"Remittance {rng.randint(1000, 99999)} {reference}"[:200]
        )
        self.p_method.append(weighted(rng, METHODS))
        self.p_source.append(weighted(rng, SOURCES))
        self.p_note.append("")
        self.p_refunded.append(0)
        self.entry("payment", day, -(applied + extra), cid, payment=pid)
        journal = self.journal
        journal["pay_amount"] += applied + extra
        if special == "unmatched":
            self.p_applied.append(0)
            journal["pay_unapplied"] += applied
            self.schedule(day + rng.randint(1, 12), APPLY, pid, parts[0][0])
            return
        self.p_applied.append(applied)
        journal["pay_applied"] += applied
        journal["pay_unapplied"] += extra
        held = [] if special == "bounce" and bounce_on <= self.today else None  # else it has not bounced yet
        for iid, amount in parts:
            self.allocate(day, pid, cid, iid, amount, held)
        if held is not None:
            self.p_held[pid] = held
            self.schedule(bounce_on, REVERSE, pid, parts[0][0])
        elif special == "overpay" and rng.random() < 0.5:
            self.schedule(next_working_day(day + rng.randint(10, 40)), REFUND, pid, extra)

    def allocate(self, day: int, pid: int, cid: int, iid: int, amount: int, held: list | None) -> None:
        allocation = (str(self.next_id("allocation")), money(amount), self.days[day], str(iid), str(pid))
        if held is None:
            created = self.days.noon(day)
            self.w_alloc(
                allocation[0], allocation[1], allocation[2], NULL, created, NULL, allocation[3], allocation[4]
            )
        else:
            held.append((allocation, iid, amount))
        self.entry("allocation", day, -amount, cid, invoice=iid, payment=pid)
        self.entry("allocation", day, amount, cid, payment=pid)
        self.i_paid[iid] += amount
        self.touch(iid, day)

    def apply(self, day: int, pid: int, iid: int) -> None:
        """Unapplied cash applied to the invoice it was meant for (what is left of it)."""
        unapplied = self.p_amount[pid] - self.p_applied[pid] - self.p_refunded[pid]
        amount = min(unapplied, self.balance(iid) - self.i_disputed[iid])
        if amount <= 0:
            return
        self.allocate(day, pid, self.p_customer[pid], iid, amount, None)
        self.p_applied[pid] += amount
        self.p_last[pid] = day
        self.journal["apply"] += amount

    def reverse(self, day: int, pid: int, iid: int) -> None:
        """The payment bounced: its allocations and the payment itself are reversed; the customer pays again."""
        cid = self.p_customer[pid]
        for allocation, a_iid, amount in self.p_held.pop(pid):
            self.w_alloc(
                allocation[0],
                allocation[1],
                allocation[2],
                self.days[day],
                self.days.noon(day),
                NULL,
                allocation[3],
                allocation[4],
            )
            self.entry("allocation_reversal", day, amount, cid, invoice=a_iid, payment=pid)
            self.entry("allocation_reversal", day, -amount, cid, payment=pid)
            self.i_paid[a_iid] -= amount
            self.touch(a_iid, day)
        self.entry("payment_reversal", day, self.p_amount[pid], cid, payment=pid)
        journal = self.journal
        journal["rev_applied"] += self.p_applied[pid]
        journal["rev_unapplied"] += self.p_amount[pid] - self.p_applied[pid] - self.p_refunded[pid]
        journal["rev_amount"] += self.p_amount[pid]
        self.p_applied[pid] = 0
        self.p_reversed[pid] = day
        self.p_last[pid] = day
        self.schedule(next_working_day(day + self.rng.randint(3, 20)), PAY, iid, None)

    def refund(self, day: int, pid: int, amount: int) -> None:
        self.entry("refund", day, amount, self.p_customer[pid], payment=pid)
        self.p_refunded[pid] += amount
        self.p_last[pid] = day
        self.journal["refund"] += amount

    def write_off(self, day: int, iid: int) -> None:
        amount = self.balance(iid)
        if amount <= 0:
            return
        wid = self.next_id("write_off")
        cid = self.customer_of[iid]
        self.w_wo(
            str(wid),
            money(amount),
            "Uncollectible: customer insolvent",
            self.days[day],
            self.days.noon(day),
            NULL,
            str(cid),
            str(iid),
        )
        self.entry("write_off", day, -amount, cid, invoice=iid, write_off=wid)
        self.i_written[iid] += amount
        self.touch(iid, day)
        self.journal["write_off"] += amount

    # ── the ledger: one summary entry per day and kind of movement ──

    def post_journal(self, day: int) -> None:
        j = self.journal
        if not j:
            return
        ar, adv, bank = "receivables", "customer_advances", "bank"
        entries = [
            (
                "invoice",
                "Invoices issued",
                [(ar, j["inv_total"], 0), ("revenue", 0, j["inv_net"]), ("vat_payable", 0, j["inv_tax"])],
            ),
            (
                "credit_note",
                "Credit notes issued",
                [("revenue", j["cn_net"], 0), ("vat_payable", j["cn_tax"], 0), (ar, 0, j["cn_total"])],
            ),
            (
                "payment",
                "Payments received",
                [(bank, j["pay_amount"], 0), (ar, 0, j["pay_applied"]), (adv, 0, j["pay_unapplied"])],
            ),
            ("payment", "Unapplied cash applied", [(adv, j["apply"], 0), (ar, 0, j["apply"])]),
            (
                "payment_reversal",
                "Payments reversed",
                [(ar, j["rev_applied"], 0), (adv, j["rev_unapplied"], 0), (bank, 0, j["rev_amount"])],
            ),
            ("refund", "Refunds", [(adv, j["refund"], 0), (bank, 0, j["refund"])]),
            ("write_off", "Write-offs", [("bad_debt", j["write_off"], 0), (ar, 0, j["write_off"])]),
        ]
        for source, memo, lines in entries:
            lines = [line for line in lines if line[1] or line[2]]
            if not lines:
                continue
            assert sum(d for _, d, _ in lines) == sum(c for _, _, c in lines), (day, source, lines)
            je = self.next_id("journal_entry")
            posted = self.days.at(day, 20)
            self.w_je(
                str(je),
                self.number("journal", "JE", day),
                self.days[day],
                f"{memo} on {self.days[day]} (summary, bench/history.py)",
                source,
                "history-summary",
                posted,
                NULL,
                NULL,
            )
            for account, debit, credit in lines:
                self.w_jl(
                    str(self.next_id("journal_line")),
                    money(debit),
                    money(credit),
                    CURRENCY,
                    money(debit - credit),
                    memo,
                    str(self.accounts[account]),
                    str(je),
                )

    # ── orders not invoiced yet: entered in the last days, open or on credit hold ──

    def open_orders(self, last_invoice: int) -> list[tuple]:
        rng, days = self.rng, self.days
        rows = []
        w_line = self.w_line
        for oid in range(last_invoice + 1, last_invoice + 1 + max(1, self.n_invoices // 400)):
            cid = 1 + min(self.n_customers - 1, self._draw_customers(1)[0])
            pid, pname, price, rate = self.products[rng.randrange(len(self.products))]
            rate = 0 if self.c_exempt[cid] else rate
            quantity = rng.randint(1, 10)
            net = quantity * price
            tax = half_up(net * rate, 100)
            order_date = self.today - rng.randint(0, 10)
            on_hold = rng.random() < 0.3
            submitted = days.at(order_date, rng.randint(7, 16), rng.randint(0, 59))
            w_line(
                str(oid),
                "1",
                pname,
                "t",
                f"{quantity}.000",
                money(price),
                "0.00",
                f"{rate}.00",
                money(net),
                money(tax),
                money(net + tax),
                "0.000",
                "0.000",
                "0.000",
                "0.000",
                str(oid),
                str(pid),
            )
            if on_hold:
                self.order_event(submitted, "credit_hold", "draft", "on_hold", oid, "over the credit limit")
            else:
                self.order_event(submitted, "approved", "draft", "open", oid)
            rows.append((oid, cid, order_date, submitted, net, tax, "on_hold" if on_hold else "open"))
        return rows

    # ── final figures: invoices, orders, payments, disputes ──

    def write_final(self) -> None:
        days, t = self.days, self.t
        w_invoice = t.writer("invoicing_invoice")
        w_order = t.writer("orders_salesorder")
        wh = str(self.warehouse_id)
        for iid in range(1, self.n_invoices + 1):
            cid = self.customer_of[iid]
            total, paid, credited, written = (
                self.i_total[iid],
                self.i_paid[iid],
                self.i_credited[iid],
                self.i_written[iid],
            )
            balance = total - paid - credited - written
            if balance > 0:
                status = "partially_paid" if paid > 0 else "open"
            elif written > 0:
                status = "written_off"
            elif credited > 0 and paid == 0:
                status = "credited"
            else:
                status = "paid"
            issue, s_iid, s_cid = self.i_issue[iid], str(iid), str(cid)
            s_net, s_tax, s_total = money(self.i_net[iid]), money(self.i_tax[iid]), money(total)
            last = days[self.i_last[iid]]
            reference = f"PO-{iid:07d}" if iid % 3 else ""
            w_invoice(
                s_iid,
                self.i_number[iid],
                CURRENCY,
                days[issue],
                days[self.i_due[iid]],
                reference,
                self.c_address[cid],
                s_net,
                s_tax,
                s_total,
                money(paid),
                money(credited),
                money(written),
                money(balance),
                status,
                "",
                days.at(issue, 15, 30),
                days.at(issue, 15),
                s_cid,
                s_iid,
                s_iid,
                last,
            )
            settled = paid + credited + written
            paid_on = last if balance == 0 else NULL
            order_date = self.i_order_date[iid]
            w_order(
                s_iid,
                f"SO-{days[order_date][:4]}-{iid:06d}",
                CURRENCY,
                days[order_date],
                self.i_requested[iid],
                reference,
                self.c_address[cid],
                s_net,
                s_tax,
                s_total,
                "closed" if balance == 0 else "fulfilled",
                "shipped",
                "invoiced",
                "paid" if balance == 0 else ("partially_paid" if settled else "unpaid"),
                self.i_submitted[iid],
                self.i_submitted[iid],
                "t" if self.i_late[iid] else "f",
                NULL,
                s_cid,
                wh,
                paid_on,
            )
            if balance == 0:
                self.order_event(days.at(self.i_last[iid], 18), "closed", "fulfilled", "closed", iid)
        for oid, cid, order_date, submitted, net, tax, status in self.extra_orders:
            w_order(
                str(oid),
                f"SO-{days[order_date][:4]}-{oid:06d}",
                CURRENCY,
                days[order_date],
                NULL,
                "",
                self.c_address[cid],
                money(net),
                money(tax),
                money(net + tax),
                status,
                "unallocated",
                "not_invoiced",
                "unpaid",
                submitted,
                submitted,
                "f",
                NULL,
                str(cid),
                wh,
                NULL,
            )
        w_payment = t.writer("receivables_payment")
        for pid in range(1, len(self.p_amount)):
            reversed_on = self.p_reversed[pid]
            amount, applied, refunded = self.p_amount[pid], self.p_applied[pid], self.p_refunded[pid]
            if reversed_on:
                applied = refunded = unapplied = 0
            else:
                unapplied = amount - applied - refunded
            received = self.p_received[pid]
            w_payment(
                str(pid),
                self.p_number[pid],
                CURRENCY,
                money(amount),
                money(applied),
                money(refunded),
                money(unapplied),
                self.p_method[pid],
                self.p_reference[pid],
                days[received],
                self.p_note[pid],
                self.p_source[pid],
                "reversed" if reversed_on else "posted",
                days[reversed_on] if reversed_on else NULL,
                "Returned by the bank: insufficient funds" if reversed_on else "",
                days.at(received, 12),
                NULL,
                str(self.p_customer[pid]),
                days[self.p_last[pid]],
            )
        w_dispute = t.writer("receivables_dispute")
        for dispute_id, iid, amount, reason, opened, status, resolved, credit_note in self.disputes:
            w_dispute(
                str(dispute_id),
                money(amount),
                reason,
                "Customer called about the invoice",
                status,
                days[opened],
                days.at(opened, 10),
                NULL if resolved is None else days[resolved],
                "" if resolved is None else f"Resolved: {status}",
                NULL if credit_note is None else str(credit_note),
                str(self.customer_of[iid]),
                str(iid),
                NULL,
                NULL,
                NULL,
            )


# ── generation ───────────────────────────────────────────────────────────────────────────────────


def generate(*, customers: int, invoices: int, years: int, seed: int, log) -> dict:
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
    )
    history.run(log)
    log(f"simulated {date.fromordinal(history.start)} … {today} in {time.perf_counter() - simulated:.1f} s")
    counts = tables.finish()
    log(f"simulated and loaded in {time.perf_counter() - simulated:.1f} s")
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
        vacuumed = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        log(f"VACUUM (ANALYZE) in {time.perf_counter() - vacuumed:.1f} s")
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


# ── timing ───────────────────────────────────────────────────────────────────────────────────────


SLOW_MS = 5000  # a case whose warm-up takes longer is run twice, not `runs` times


def timed(label: str, function, runs: int, log) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    function()  # warm-up
    if (time.perf_counter() - started) * 1000 > SLOW_MS:
        runs = min(runs, 2)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    log(
        f"{label:<58} median {median:8.1f} ms   runs: {', '.join(f'{t:.0f}' for t in times)}   ({len(captured)} queries)"
    )
    return {
        "label": label,
        "median_ms": round(median, 1),
        "runs_ms": [round(t, 1) for t in times],
        "queries": list(captured.captured_queries),
    }


def statement(sql: str) -> str:
    """The report's own statement: without the pghistory context that the middleware puts first."""
    if sql.startswith("SELECT set_config('pghistory.context_id'"):
        sql = sql.split(";", 1)[1]
    return sql.strip()


def explain(label: str, queries: list[dict], log) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for number, query in enumerate(queries, 1):
            sql = statement(query["sql"])
            if not sql.upper().startswith(("WITH", "SELECT")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            log(f"\n── EXPLAIN (ANALYZE, BUFFERS): {label}, query {number} of {len(queries)} ──\n{plan}")


def time_reports(*, runs: int, explain_all: bool, pages: bool, log) -> list[dict]:
    from django.db import connection
    from django.utils import timezone

    from reporting.aging import aging_report, aging_totals
    from reporting.dso import dso_report
    from reporting.kpis import kpis

    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM customers_customer), (SELECT count(*) FROM invoicing_invoice),"
            " (SELECT count(*) FROM receivables_payment), (SELECT count(*) FROM receivables_receivableentry),"
            " (SELECT MIN(issue_date) FROM invoicing_invoice), (SELECT MAX(issue_date) FROM invoicing_invoice),"
            " current_setting('jit'), current_setting('work_mem'), current_setting('shared_buffers')"
        )
        customers, invoices, payments, entries, first, last, jit, work_mem, shared_buffers = cursor.fetchone()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'bench%%' ORDER BY 1")
        extra = [row[0] for row in cursor.fetchall()]
    log(
        f"{DB_NAME}: {customers:,} customers, {invoices:,} invoices ({first} … {last}), {payments:,} payments, "
        f"{entries:,} open-item rows; today {today}; jit {jit}, work_mem {work_mem}, shared_buffers {shared_buffers}"
        + (f"; indexes added by hand: {', '.join(extra)}" if extra else "")
    )
    report = aging_report(as_of=today)
    log(
        f"aging today: {len(report.customers):,} customers; total {report.totals.total}; "
        f"over 90 {report.totals.days_over_90}; disputed {report.totals.disputed}; unapplied {report.totals.unapplied}"
    )
    dso = dso_report(as_of=today)
    log(
        f"DSO today: standard {dso.standard_dso}, count-back {dso.countback_dso}, best possible {dso.best_possible_dso}; "
        f"receivables {dso.receivables}, 90-day credit sales {dso.credit_sales}"
    )
    cases = [
        ("aging_report(as_of=today)", lambda: aging_report(as_of=today)),
        ("aging_report(as_of=one year ago)", lambda: aging_report(as_of=year_ago)),
        ("aging_totals(as_of=today)", lambda: aging_totals(as_of=today)),
        ("dso_report(as_of=today)", lambda: dso_report(as_of=today)),
        ("kpis(as_of=today)", lambda: kpis(as_of=today)),
    ]
    log(
        f"\nmedian of {runs} runs after 1 warm-up (2 runs when the warm-up takes over {SLOW_MS / 1000:.0f} s), ms:"
    )
    results = [timed(label, function, runs, log) for label, function in cases]
    if pages:
        results += time_pages(runs=runs, today=today, log=log)
    for result in results:
        if result["label"].startswith(("GET", "kpis")):
            slowest = sorted(result["queries"], key=lambda q: -float(q["time"]))[:6]
            log(
                f"  slowest statements of {result['label']}: "
                + "; ".join(
                    f"{float(q['time']) * 1000:.0f} ms «{' '.join(statement(q['sql']).split())[:70]}…»"
                    for q in slowest
                )
            )
    for result in results:
        if explain_all or not result["label"].startswith(("GET", "kpis", "aging_totals")):
            explain(result["label"], result["queries"], log)
    return results


def time_pages(*, runs: int, today: date, log) -> list[dict]:
    """The manager's home page (its dashboard), without and with the nightly KPI snapshots it
    reads, and the aging page when it exists."""
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    manager, created = User.objects.get_or_create(username=MANAGER_USERNAME)
    if created:
        manager.set_unusable_password()
        manager.save()
        manager.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(manager)

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    results = []
    try:
        from reporting.models import KpiSnapshot
        from reporting.snapshots import snapshot_take
    except ImportError:
        KpiSnapshot = None
    stored = KpiSnapshot.objects.count() if KpiSnapshot else 0
    results.append(
        timed(f"GET /home/manager/ ({stored} KPI snapshots stored)", page("/home/manager/"), runs, log)
    )
    if KpiSnapshot and not stored:
        # what the nightly task would have stored: the month-ends of the DSO trend and the day the
        # tiles compare with (reporting/dashboard/); taken for this timing, deleted after it
        first_of_month = today.replace(day=1)
        days = [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(12)]
        days.append(today - timedelta(days=30))
        started = time.perf_counter()
        taken = [snapshot_take(as_of=day).pk for day in days]
        log(
            f"  (took the {len(taken)} snapshots the dashboard reads in {time.perf_counter() - started:.0f} s)"
        )
        try:
            results.append(
                timed(
                    f"GET /home/manager/ ({len(taken)} KPI snapshots stored)",
                    page("/home/manager/"),
                    runs,
                    log,
                )
            )
        finally:
            KpiSnapshot.objects.filter(pk__in=taken).delete()
    try:
        url = reverse("reporting:aging")
    except NoReverseMatch:
        log("(no reporting:aging page yet; not timed)")
    else:
        results.append(timed(f"GET {url}", page(url), runs, log))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="do not regenerate if the database exists")
    parser.add_argument("--only-time", action="store_true", help="time the reports on the existing database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-check", action="store_true", help="skip the consistency checks after generating"
    )
    parser.add_argument("--explain-all", action="store_true", help="also EXPLAIN the KPI and page queries")
    parser.add_argument("--no-pages", action="store_true", help="time the report functions only")
    parser.add_argument("--no-jit", action="store_true", help="time with SET jit = off on the connection")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    django.setup()
    from django.conf import settings

    # DEBUG is off as in production, but static files are not collected: plain storage, no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    exists = database_exists()
    if args.only_time and not exists:
        sys.exit(f"{DB_NAME} does not exist; run without --only-time first")
    if exists and (args.only_time or args.keep):
        # new migrations (say, the lead's indexes) apply to the kept history before timing
        applied = [line.strip() for line in manage("migrate", "--noinput").splitlines() if "Applying" in line]
        log(f"{DB_NAME} kept; migrations applied now: {', '.join(applied) or 'none'}")
        if applied:
            psql("ANALYZE", DB_NAME)
    else:
        counts = generate(
            customers=args.customers, invoices=args.invoices, years=args.years, seed=args.seed, log=log
        )
        log("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        if not args.no_check and not check(log):
            sys.exit("the generated history is not consistent")
    if args.no_jit:
        from django.db.backends.signals import connection_created

        def jit_off(sender, connection, **kwargs) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")

        connection_created.connect(jit_off)
    time_reports(runs=args.runs, explain_all=args.explain_all, pages=not args.no_pages, log=log)


if __name__ == "__main__":
    main()
