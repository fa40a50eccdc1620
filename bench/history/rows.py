"""The scratch database, the COPY text format, the calendar of working days and the table
streams the simulation writes to."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from legacy_server import SERVER_URL
from legacy_server import env as bench_env

ROOT = Path(__file__).resolve().parent.parent.parent
# O2C_HISTORY_DB names another kept database (bench/reports uses o2c_bench_history)
DB_NAME = os.environ.get("O2C_HISTORY_DB", "o2c_history")
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
        "delivered_at, late, created_at, created_by_id, order_id, warehouse_id, ship_to",
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
        "receivables_dispute": "id, amount, reason, note, customer_message, status, opened_on, opened_at, "
        "resolved_on, resolution_note, credit_note_id, customer_id, invoice_id, opened_by_id, owner_id, "
        "resolved_by_id",
        "receivables_receivableentry": "id, kind, entry_date, amount, currency, created_at, credit_note_id, "
        "customer_id, invoice_id, payment_id, write_off_id",
        "orders_orderevent": "id, at, event, from_status, to_status, detail, actor_id, order_id",
        "ledger_journalentry": "id, number, date, memo, source, source_reference, posted_at, posted_by_id, "
        "reversal_of_id",
        "ledger_journalline": "id, debit, credit, currency, amount_currency, description, account_id, entry_id",
    }
    # Columns added to the schema after the generator was written, the same value in every row
    # (the model's default): appended to the table's columns and to each of its rows.
    CONSTANT = {
        "customers_customer": (
            "language, notify_late_notice, notify_order_confirmation, notify_order_review, notify_shipping_notice, "
            "country, peppol_id, invoice_format, discount_percent, discount_days",
            "en\tt\tt\tt\tt\t\t\tpdf\t0\t0",  # country and Peppol id blank, no cash discount
        ),
        "invoicing_invoice": (
            "previous_number, discount_percent, discount_amount, amount_discounted, discount_note, exchange_rate",
            "\t0\t0\t0\t\t1",
        ),
        "receivables_allocation": ("reason", ""),
        "orders_salesorderline": ("quantity_returned, price_source", "0\tproduct"),
        "invoicing_creditnote": ("exchange_rate", "1"),
        "receivables_payment": ("exchange_rate", "1"),
        "orders_salesorder": ("exchange_rate", "1"),
    }
    # Base-currency amounts (decision 0062): the history is in the base currency, so each is a
    # copy of a column of its own row; appended after the constants.
    SAME_AS = {
        "invoicing_invoice": {"total_base": "total", "balance_base": "balance"},
        "invoicing_creditnote": {"total_base": "total"},
        "receivables_payment": {"amount_base": "amount"},
        "receivables_allocation": {"amount_base": "amount", "payment_base": "amount"},
        "receivables_receivableentry": {"amount_base": "amount"},
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
        table = self.PARTS.get(name, name)
        constant = self.CONSTANT.get(table)
        end = f"\t{constant[1]}" if constant else ""
        names = [column.strip() for column in self.COLUMNS[table].split(",")]
        copies = [names.index(source) for source in self.SAME_AS.get(table, {}).values()]

        def row(*fields) -> None:
            put("\t".join(fields) + end + "".join("\t" + fields[i] for i in copies) + "\n")

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
                    columns = self.COLUMNS[table]
                    if table in self.CONSTANT:
                        columns += ", " + self.CONSTANT[table][0]
                    if table in self.SAME_AS:
                        columns += ", " + ", ".join(self.SAME_AS[table])
                    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.streams[part])
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
