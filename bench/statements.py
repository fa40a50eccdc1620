"""SQL statements and transactions per order, for intake and for the full cycle (and the ceiling).

    .venv/bin/python bench/statements.py --json out.json

Two ways of counting, both on the harness's database:

- **In the request** (Django's `CaptureQueriesContext` plus a count of commits and of statements
  run outside a transaction, each its own): the requests go through Django's test client in this
  process, so the whole middleware stack, DRF and the view run as under gunicorn, but no HTTP.
  Median over several orders of a fresh customer. pghistory's context (`SELECT set_config(...)`)
  statements are counted, and also shown apart.
- **In the database** (`pg_stat_database.xact_commit` and `xact_rollback` of the scratch database):
  orders sent through gunicorn, then the count waits until the Celery worker has done the
  background work they queued (e-mails with their PDFs, webhook deliveries) and the counter stands
  still; delta / orders. That includes what runs after the request, and whatever else touched
  the database meanwhile (nothing else should). pg_stat_statements is used when it is loaded
  (it needs `shared_preload_libraries`); otherwise the database-wide statement count is not shown.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BENCH_PROTOCOL = 1
BENCH_ONCE = 1  # counts, not timings: one round of the three is enough
COMMAND = ".venv/bin/python bench/statements.py --json out.json"
TABLE = "statements-per-order"


class Counter:
    """Statements and transactions on Django's default connection while active."""

    def __init__(self) -> None:
        from django.db import connection
        from pghistory import runtime

        self.tracker = runtime._tracker  # set while pghistory's middleware context is active

        self.connection = connection
        self.statements = 0
        self.context_statements = 0
        self.transactions = 0

    def __enter__(self) -> Counter:
        connection = self.connection
        connection.ensure_connection()
        self._commit, self._rollback = connection.commit, connection.rollback

        def commit() -> None:
            self.transactions += 1
            self._commit()

        def rollback() -> None:
            self.transactions += 1
            self._rollback()

        connection.commit, connection.rollback = commit, rollback
        self._wrapper = connection.execute_wrapper(self._execute)
        self._wrapper.__enter__()
        return self

    def _execute(self, execute, sql, params, many, context):
        self.statements += 1
        if hasattr(self.tracker, "value"):  # pghistory will prefix its context
            self.context_statements += 1
        if not self.connection.in_atomic_block and self.connection.get_autocommit():
            self.transactions += 1  # autocommit: the statement is its own transaction
        return execute(sql, params, many, context)

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)
        del self.connection.commit, self.connection.rollback


FIXTURE = """
import json
from decimal import Decimal
from django.contrib.auth.models import User
from customers.services import customer_create
from inventory.services import product_create
from inventory.selectors import warehouse_list
from o2c import pipeline
from o2c.auth import api_token_issue
run = "%(run)s"
main = [w for w in warehouse_list() if w.code == "MAIN"][0]
products = []
for i in range(3):
    product = product_create(sku=f"BS{run}-{i:02d}", name=f"Bench count item {i}", unit_price=Decimal("20.00") + i,
                             tax_rate=Decimal("19.00"), standard_cost=Decimal("8.00"))
    pipeline.stock_receive(product_id=product.pk, warehouse_id=main.pk, quantity=Decimal(10**9), reference="bench", by=None)
    products.append(product.pk)
def customer(code):
    return customer_create(code=f"{code}{run}", name=f"Bench count {code}", email=f"{code.lower()}@bench.example",
                           credit_limit=None, shipping_address="Hafenstrasse 1\\n20457 Hamburg").pk
tokens = {name: api_token_issue(user=User.objects.get(username=name)) for name in ("sales", "warehouse", "finance")}
print(json.dumps({"tokens": tokens, "warehouse": main.pk, "products": products,
                  "customers": {k: customer(k) for k in ("SI", "SC", "SF", "SP", "SD", "SE")}}))
"""


def order_body(fixture: dict, customer: str, rng: random.Random) -> dict:
    return {
        "customer": fixture["customers"][customer],
        "warehouse": fixture["warehouse"],
        "submit": True,
        "lines": [{"product": pk, "quantity": str(rng.randint(1, 5))} for pk in fixture["products"]],
    }


def in_request(fixture: dict, orders: int) -> dict[str, tuple[float, float, float]]:
    """Per kind of work: the medians of (statements, transactions, pghistory context statements)."""
    from django.test import Client

    tokens = fixture["tokens"]
    clients = {
        name: Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
        for name, token in tokens.items()
    }
    rng = random.Random(3)

    def post(role: str, path: str, body: object = None):
        response = clients[role].post(path, data=json.dumps(body or {}), content_type="application/json")
        assert response.status_code in (200, 201), (path, response.status_code, response.content[:300])
        return response.json()

    def cycle(customer: str) -> None:
        order = post("sales", "/api/v1/orders/", order_body(fixture, customer, rng))
        shipment = post("warehouse", "/api/v1/shipments/", {"order": order["id"]})
        post("warehouse", f"/api/v1/shipments/{shipment['id']}/pack/")
        shipped = post("warehouse", f"/api/v1/shipments/{shipment['id']}/ship/", {"carrier": "DHL"})
        post(
            "finance",
            "/api/v1/payments/",
            {
                "customer": fixture["customers"][customer],
                "amount": order["total"],
                "received_on": timezone.localdate().isoformat(),  # the company's day, as the API's
                "reference": f"bench {order['number']}",
                "allocations": [{"invoice": shipped["invoice"], "amount": order["total"]}],
                "confirm_duplicate": True,
            },
        )

    from decimal import Decimal

    from django.contrib.auth.models import User

    from o2c import pipeline
    from orders.services import LineInput
    from receivables.cash.services.payments import AllocationInput

    by = User.objects.get(username="sales")  # read once, outside the counts

    def pipeline_cycle() -> None:
        customer = fixture["customers"]["SP"]
        order = pipeline.order_place(
            by=by,
            submit=True,
            customer_id=customer,
            warehouse_id=fixture["warehouse"],
            lines=[
                LineInput(product_id=pk, quantity=Decimal(rng.randint(1, 5))) for pk in fixture["products"]
            ],
        )
        shipment = pipeline.shipment_create(order_id=order.pk, by=by)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=by)
        shipment = pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=by)
        pipeline.payment_record(
            customer_id=customer,
            amount=order.total,
            received_on=timezone.localdate(),
            reference=f"bench {order.number}",
            allocations=[AllocationInput(invoice_id=shipment.invoice.pk, amount=order.total)],
            confirm_duplicate=True,
            by=by,
        )

    work = {
        "intake, O2C (POST /api/v1/orders/, submit)": lambda: post(
            "sales", "/api/v1/orders/", order_body(fixture, "SI", rng)
        ),
        "intake, ceiling": lambda: post("sales", "/bench/ceiling/orders/", order_body(fixture, "SC", rng)),
        "full cycle through the API (5 requests)": lambda: cycle("SF"),
        "full cycle in-process (o2c.pipeline)": pipeline_cycle,
    }
    counts = {}
    for label, run in work.items():
        run()  # the first of a kind may create a number series or fill a cache
        samples = []
        for _ in range(orders):
            with Counter() as counter:
                run()
            samples.append((counter.statements, counter.transactions, counter.context_statements))
        counts[label] = tuple(statistics.median(column) for column in zip(*samples, strict=True))
        common.log(f"{label}: {counts[label][0]:g} statements, {counts[label][1]:g} transactions")
    return counts


READINGS = [0]  # our own readings: one transaction each, taken off the counts


def database_counters(dbname: str) -> dict[str, float]:
    from django.db import connection, transaction

    READINGS[0] += 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = %s", [dbname])
        commit, rollback = cursor.fetchone()
        statements = None
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
        if cursor.fetchone():
            cursor.execute(
                "SELECT sum(calls) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
                [dbname],
            )
            statements = cursor.fetchone()[0]
    return {
        "xacts": float(commit + rollback),
        "statements": float(statements) if statements is not None else -1.0,
    }


def settled(dbname: str, quiet: float = 11.0, limit: float = 90.0) -> dict[str, float]:
    """The counters once they have not moved for `quiet` seconds (the worker is done, and every
    backend has flushed its figures: PostgreSQL 15 flushes an idle backend's within 10 s)."""
    deadline = time.monotonic() + limit
    last = database_counters(dbname)
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = database_counters(dbname)
        if now["xacts"] > last["xacts"] + 1:  # our own reading is one transaction
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return now
    now = database_counters(dbname)
    now["unsettled"] = 1.0  # other work kept the database busy: the delta would count it too
    return now


def in_database(fixture: dict, orders: int, base_url: str, dbname: str) -> dict[str, dict[str, float]]:
    """Transactions (and statements, with pg_stat_statements) per order, the background work included."""
    from django.db import connection

    rng = random.Random(5)
    results = {}
    http = common.Http(base_url, fixture["tokens"]["sales"])

    def intake() -> None:
        http.headers["Authorization"] = f"Token {fixture['tokens']['sales']}"
        status, _ = http.call("POST", "/api/v1/orders/", order_body(fixture, "SD", rng))
        assert status == 201, status

    def cycle() -> None:
        tokens = fixture["tokens"]
        http.headers["Authorization"] = f"Token {tokens['sales']}"
        _, order = http.call("POST", "/api/v1/orders/", order_body(fixture, "SE", rng))
        http.headers["Authorization"] = f"Token {tokens['warehouse']}"
        _, shipment = http.call("POST", "/api/v1/shipments/", {"order": order["id"]})
        http.call("POST", f"/api/v1/shipments/{shipment['id']}/pack/")
        _, shipped = http.call("POST", f"/api/v1/shipments/{shipment['id']}/ship/", {"carrier": "DHL"})
        http.headers["Authorization"] = f"Token {tokens['finance']}"
        status, _ = http.call(
            "POST",
            "/api/v1/payments/",
            {
                "customer": fixture["customers"]["SE"],
                "amount": order["total"],
                "received_on": timezone.localdate().isoformat(),  # the company's day, as the API's
                "reference": f"bench {order['number']}",
                "allocations": [{"invoice": shipped["invoice"], "amount": order["total"]}],
                "confirm_duplicate": True,
            },
        )
        assert status == 201, status

    after = settled(dbname)
    for label, run in (
        ("intake, O2C, with its background work", intake),
        ("full cycle through the API, with its background work", cycle),
    ):
        before = after
        readings = READINGS[0]
        for _ in range(orders):
            run()
        after = settled(dbname)
        reads = READINGS[0] - readings  # our own readings, one transaction each
        if "unsettled" in after or "unsettled" in before:
            common.log(f"{label}: the database did not stand still within 90 s; no figure (other work)")
            continue
        results[label] = {
            "xacts": (after["xacts"] - before["xacts"] - reads) / orders,
            "statements": (after["statements"] - before["statements"]) / orders
            if after["statements"] >= 0
            else -1,
        }
        common.log(f"{label}: {results[label]['xacts']:.1f} transactions per order in the database")
    http.close()
    connection.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL) to this file")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 orders of each kind")
    parser.add_argument("--base-url", help="a running server (default: the harness's, else one of its own)")
    parser.add_argument("--orders", type=int, help="orders of each kind (default 10, quick 3)")
    parser.add_argument(
        "--in-request-only",
        action="store_true",
        help="only the in-request counts, on DATABASE_URL as it is (migrated, demo data): no server, no worker",
    )
    options = parser.parse_args()
    if options.in_request_only:
        common.django_setup()
        from o2c import tasks

        tasks.outbox_relay.delay = lambda *args, **kwargs: (
            None
        )  # the relay is the worker's, not the request's
        namespace: dict[str, object] = {}
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(FIXTURE % {"run": f"{os.getpid() % 100000:05d}"}, namespace)
        fixture = json.loads(printed.getvalue().strip().splitlines()[-1])
        for label, (statements, transactions, context) in in_request(fixture, options.orders or 3).items():
            print(
                f"{label}: {statements:g} statements ({context:g} with pghistory context), {transactions:g} transactions"
            )
        return
    if options.quick:
        os.environ["O2C_BENCH_QUICK"] = "1"
    if options.base_url:
        os.environ["O2C_BENCH_BASE_URL"] = options.base_url
    orders = options.orders or (3 if common.quick() else 10)
    results = common.Results(COMMAND)
    with common.script_environment() as env:
        fixture = json.loads(
            common.manage(env, "shell", "-c", FIXTURE % {"run": f"{os.getpid() % 100000:05d}"})
            .strip()
            .splitlines()[-1]
        )
        common.django_setup()
        from django.conf import settings

        for label, (statements, transactions, context) in in_request(fixture, orders).items():
            results.add(TABLE, label, "statements (in the request)", statements, "statements", "lower")
            results.add(TABLE, label, "of which with pghistory context", context, "statements", "lower")
            results.add(TABLE, label, "transactions (in the request)", transactions, "transactions", "lower")
        dbname = settings.DATABASES["default"]["NAME"]
        for label, counts in in_database(fixture, orders, env["O2C_BENCH_BASE_URL"], dbname).items():
            results.add(
                TABLE,
                label,
                "transactions (database, incl. Celery)",
                counts["xacts"],
                "transactions",
                "lower",
            )
            if counts["statements"] >= 0:
                results.add(
                    TABLE,
                    label,
                    "statements (pg_stat_statements)",
                    counts["statements"],
                    "statements",
                    "lower",
                )
    results.write(options.json)


if __name__ == "__main__":
    main()
