"""Order intake in-process: SQL statements and server time per `POST /api/v1/orders/` (3 lines,
`submit: true`) for a customer with 1, 100 and 10,000 open orders, and a profile on demand.

    .venv/bin/python bench/intake_profile.py --json OUT.json [--quick] [--open-orders 100 10000]
    .venv/bin/python bench/intake_profile.py --profile intake.html --open-orders 775

No server and no client threads: one Django test client in this process posts the orders
through the whole middleware stack (authentication, idempotency, pghistory's context, the
credit check, allocation, events), so the figures are the server's own time without the network
and the statements are counted exactly (CaptureQueriesContext). It runs on DATABASE_URL (a
migrated database: the bench harness's scratch one, or any you name) and adds to it: stock for
the demo products (`seed_demo` when they are missing), a customer without a credit limit per
level with that many open orders written directly in SQL (as a history generator would), then
the customer's kept credit position recomputed (`manage.py credit_positions --fix`) when the
code has one. The open orders are the cost the credit check used to sum on every submit.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python bench/intake_profile.py"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2c.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "") + ",testserver"
    import django

    django.setup()
    # After commit the request hands the outbox relay to Celery (a broker push, no SQL); here it
    # is not run in the request, as with a broker, so that the figures are the request's own.
    from o2c import tasks

    tasks.outbox_relay.delay = lambda *args, **kwargs: None


def _fixture(levels: list[int]) -> dict:
    from decimal import Decimal

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection

    from customers.services import customer_create
    from inventory.selectors import product_list, warehouse_list
    from o2c import pipeline
    from o2c.auth import api_token_issue

    if not User.objects.filter(username="sales").exists():
        call_command("seed_demo", stdout=io.StringIO())
    warehouse = warehouse_list().get(code="MAIN")
    stock = sorted(product_list().filter(kind="stock", active=True).values_list("pk", flat=True))[:2]
    service = (
        product_list().filter(kind="service", active=True).order_by("pk").values_list("pk", flat=True)[0]
    )
    for pk in stock:
        pipeline.stock_receive(
            product_id=pk, warehouse_id=warehouse.pk, quantity=Decimal(100000), reference="bench"
        )
    customers = {}
    for level in levels:
        code = f"IP{level}-{int(time.time())}"
        customer = customer_create(
            code=code, name=f"Intake profile {level}", email="ip@bench.example", credit_limit=None
        )
        customers[level] = customer.pk
        if level:
            _open_orders(
                connection,
                customer_id=customer.pk,
                warehouse_id=warehouse.pk,
                count=level,
                products=[*stock, service],
                prefix=code,
            )
            try:
                call_command(
                    "credit_positions", "--fix", "--customer", str(customer.pk), stdout=io.StringIO()
                )
            except Exception as error:
                if "Unknown command" not in str(error):
                    raise
    token = api_token_issue(user=User.objects.get(username="sales"))
    return {
        "token": token,
        "stock": stock,
        "service": service,
        "warehouse": warehouse.pk,
        "customers": customers,
    }


def _open_orders(
    connection, *, customer_id: int, warehouse_id: int, count: int, products: list[int], prefix: str
) -> None:
    """`count` open orders of 3 lines (119.00 each) for the customer, in two INSERT … SELECT."""
    with connection.cursor() as cursor:
        columns = [
            c.name for c in connection.introspection.get_table_description(cursor, "orders_salesorder")
        ]
        invoiced = ("amount_invoiced,", "0,") if "amount_invoiced" in columns else ("", "")  # decision 0050
        cursor.execute(
            f"""
            INSERT INTO orders_salesorder (number, customer_id, warehouse_id, currency, order_date,
                customer_reference, ship_to, net_total, tax_total, total, {invoiced[0]} status,
                fulfillment_status, billing_status, payment_status, created_at, submitted_at, late)
            SELECT %s || '-' || g, %s, %s, 'EUR', CURRENT_DATE, '', '', 300, 57, 357, {invoiced[1]} 'open',
                   'allocated', 'not_invoiced', 'unpaid', now(), now(), false
              FROM generate_series(1, %s) g
            """,
            [prefix, customer_id, warehouse_id, count],
        )
        line_columns = [
            c.name for c in connection.introspection.get_table_description(cursor, "orders_salesorderline")
        ]
        returned = (
            ("quantity_returned,", "0,") if "quantity_returned" in line_columns else ("", "")
        )  # issue 15
        if "price_source" in line_columns:  # issue 15's price lists
            returned = (returned[0] + " price_source,", returned[1] + " 'product',")
        cursor.execute(
            f"""
            INSERT INTO orders_salesorderline (order_id, position, product_id, description, is_stock,
                quantity, unit_price, discount_percent, tax_rate, net_amount, tax_amount, total_amount,
                {returned[0]} quantity_reserved, quantity_backordered, quantity_shipped, quantity_invoiced)
            SELECT o.id, p.position, p.product_id, 'bench', p.position < 3, 1, 100, 0, 19, 100, 19, 119,
                   {returned[1]} CASE WHEN p.position < 3 THEN 1 ELSE 0 END, 0, 0, 0
              FROM orders_salesorder o
             CROSS JOIN (SELECT * FROM unnest(%s::int[]) WITH ORDINALITY AS t(product_id, position)) p
             WHERE o.customer_id = %s
            """,
            [products, customer_id],
        )


def _post(client, fixture: dict, customer_id: int, number: int):
    body = {
        "customer": customer_id,
        "warehouse": fixture["warehouse"],
        "submit": True,
        "lines": [
            {"product": fixture["stock"][0], "quantity": str(1 + number % 3)},
            {"product": fixture["stock"][1], "quantity": "1"},
            {"product": fixture["service"], "quantity": "1"},
        ],
    }
    response = client.post(
        "/api/v1/orders/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {fixture['token']}",
        HTTP_IDEMPOTENCY_KEY=f"ip-{customer_id}-{number}-{time.time_ns()}",
    )
    if response.status_code != 201:
        raise SystemExit(f"order not created: {response.status_code} {response.content[:500]!r}")
    return response


def measure(fixture: dict, level: int, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    customer_id = fixture["customers"][level]
    for number in range(3):  # warm up: connection, caches, the first query plans
        _post(client, fixture, customer_id, number)
    with CaptureQueriesContext(connection) as captured:
        _post(client, fixture, customer_id, 3)
    statements = [q["sql"] for q in captured.captured_queries]
    times, cpu = [], []
    for number in range(4, 4 + requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        _post(client, fixture, customer_id, number)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return {
        "open_orders": level,
        "statements": len(statements),
        "set_config": sum(1 for sql in statements if "set_config" in sql),
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9) - 1], 2),
        # this process's CPU per order (the request's Python: Django, DRF, O2C), not PostgreSQL's;
        # less sensitive than wall time to other work on a shared machine
        "cpu_ms": round(statistics.median(cpu), 2),
        "sql": statements,
    }


def profile(fixture: dict, level: int, out: str, requests: int) -> None:
    from django.test import Client
    from pyinstrument import Profiler

    client = Client()
    customer_id = fixture["customers"][level]
    for number in range(3):
        _post(client, fixture, customer_id, number)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for number in range(3, 3 + requests):
        _post(client, fixture, customer_id, number)
    profiler.stop()
    Path(out).write_text(
        profiler.output_html()
        if out.endswith(".html")
        else profiler.output_text(unicode=True, show_all=False)
    )
    print(profiler.output_text(unicode=True), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL.md) here")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("O2C_BENCH_QUICK") == "1")
    parser.add_argument("--open-orders", type=int, nargs="+", help="levels (default 1 100 10000)")
    parser.add_argument("--requests", type=int, help="timed requests per level (default 60; quick 10)")
    parser.add_argument(
        "--profile", help="profile the requests at the first level into this file (.html or .txt)"
    )
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    options = parser.parse_args()
    levels = options.open_orders or ([1, 100] if options.quick else [1, 100, 10000])
    requests = options.requests or (10 if options.quick else 60)
    _django()
    print(f"preparing customers with {levels} open orders", file=sys.stderr)
    fixture = _fixture(levels)
    if options.profile:
        profile(fixture, levels[0], options.profile, requests)
        return
    rows = []
    for level in levels:
        result = measure(fixture, level, requests)
        sql = result.pop("sql")
        print(json.dumps(result), file=sys.stderr)
        if options.sql:
            print("\n".join(f"{i + 1:3} {s[:220]}" for i, s in enumerate(sql)), file=sys.stderr)
        row = f"{level} open orders"
        for metric, unit, better in (
            ("statements", "statements", "lower"),
            ("median_ms", "ms", "lower"),
            ("p90_ms", "ms", "lower"),
            ("cpu_ms", "ms", "lower"),
        ):
            rows.append(
                {
                    "table": "intake-in-process",
                    "row": row,
                    "metric": metric.replace("_ms", " ms"),
                    "value": result[metric],
                    "unit": unit,
                    "better": better,
                    "command": f"{COMMAND} --open-orders {level}",
                }
            )
    if options.json:
        Path(options.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
