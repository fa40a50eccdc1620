"""Bulk against single calls: `POST /api/v1/orders/bulk/` and `POST /api/v1/payments/bulk/` in
batches, against `POST /api/v1/orders/` and `POST /api/v1/payments/` one by one, through gunicorn
and PostgreSQL, from one client (a shop or a bank feed sending its batch).

    .venv/bin/python bench/bulk.py                          # 15 s per mode, batches of 100
    .venv/bin/python bench/bulk.py --seconds 10 --batch 500 --invoices 1500
    .venv/bin/python bench/bulk.py --keep                   # the database of the last run again
    .venv/bin/python bench/bulk.py --keep --rounds 5 --batch 20   # single and bulk alternating

It builds the scratch database `o2c_bench_bulk` (`BENCH_DATABASE`) as bench/order_intake.py does (demo data, every stock
product with 1,000,000 units, customers without a credit limit), adds one customer with
`--invoices` open invoices of 119.00 (service orders invoiced on approval, as bench/payments.py),
starts gunicorn on 127.0.0.1:8123 and runs four modes one after the other for `--seconds` each:
orders one by one, orders in batches, payments one by one, payments in batches. The orders are
bench/order_intake.py's (three lines, submitted: credit-checked and allocated); each payment pays
119.00 without allocations (applied to the oldest due invoice), with a unique reference. Prints
items/s, the median time per request and per item, and checks every item was created. A batch
runs in one request: gunicorn's worker timeout (`--timeout`, 600 s here) must outlast it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE", "o2c_bench_bulk")  # its own scratch database

from legacy_server import PORT, ROOT, env, manage, prepare, start_server

RUN = int(time.time())

_PAYER = """
import json
from decimal import Decimal
from django.contrib.auth.models import User
from customers.services import customer_create
from inventory.models import Warehouse
from inventory.services import product_create
from orders.services import LineInput
from o2c import pipeline
from o2c.auth import api_token_issue
service = product_create(sku="BULK-SVC", name="Bulk bench service", kind="service", unit_price=Decimal("100.00"),
                         tax_rate=Decimal("19.00"), standard_cost=Decimal("0"))
main = Warehouse.objects.get(code="MAIN")
customer = customer_create(code="BULKPAY", name="Bulk payer", email="pay@bench.example", credit_limit=None)
for _ in range({invoices}):
    pipeline.order_place(by=None, submit=True, customer_id=customer.pk, warehouse_id=main.pk,
                         lines=[LineInput(product_id=service.pk, quantity=Decimal(1))])
print(json.dumps({{"token": api_token_issue(user=User.objects.get(username="finance")), "customer": customer.pk}}))
"""


_KEEP = """
import json
from django.contrib.auth.models import User
from customers.models import Customer
from inventory.models import Product, Warehouse
from o2c.auth import api_token_issue
stock = list(Product.objects.filter(kind="stock").exclude(sku="BULK-SVC").values_list("pk", flat=True))
services = list(Product.objects.filter(kind="service").exclude(sku="BULK-SVC").values_list("pk", flat=True))
customers = list(Customer.objects.filter(code__startswith="B0").order_by("code").values_list("pk", flat=True))
print(json.dumps([
    {"token": api_token_issue(user=User.objects.get(username="sales")), "stock": stock, "services": services,
     "customers": customers, "warehouse": Warehouse.objects.get(code="MAIN").pk},
    {"token": api_token_issue(user=User.objects.get(username="finance")),
     "customer": Customer.objects.get(code="BULKPAY").pk},
]))
"""


def prepare_payer(invoices: int) -> dict:
    # PDFs and e-mails of the invoices go to an in-memory broker nobody reads (as bench/payments.py)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PAYER.format(invoices=invoices)],
        cwd=ROOT,
        env={**env(), "CELERY_BROKER_URL": "memory://", "O2C_TASKS_EAGER": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def drive(
    *, path: str, token: str, seconds: float, batch: int, item: Callable[[int], dict], first: int = 0
) -> dict:
    """POST items to `path` for `seconds` (at least one request): one per request when `batch` is 0,
    else `{"items": [...]}` of `batch` items to the bulk endpoint. Items created per second, time
    per request and per item; `latencies` for merging rounds."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    created = failed = 0
    number = first
    statuses: dict[int, int] = {}
    began = time.perf_counter()
    while not latencies or time.perf_counter() - began < seconds:
        if batch:
            payload = {"items": [item(number + n) for n in range(batch)]}
            number += batch
        else:
            payload = item(number)
            number += 1
        started = time.perf_counter()
        connection.request("POST", path, body=json.dumps(payload), headers=headers)
        response = connection.getresponse()
        body = response.read()
        latencies.append(time.perf_counter() - started)
        if batch:
            answer = json.loads(body)
            created += answer["created"]
            failed += answer["failed"]
            for result in answer["results"]:
                statuses[result["status"]] = statuses.get(result["status"], 0) + 1
        else:
            created += response.status == 201
            failed += response.status != 201
            statuses[response.status] = statuses.get(response.status, 0) + 1
    elapsed = time.perf_counter() - began
    connection.close()
    median = statistics.median(latencies)
    return {
        "path": path,
        "batch": batch or 1,
        "requests": len(latencies),
        "items": created + failed,
        "created": created,
        "seconds": round(elapsed, 1),
        "items_per_second": round(created / elapsed, 1),
        "median_ms_per_request": round(median * 1000, 1),
        "median_ms_per_item": round(median * 1000 / (batch or 1), 1),
        "statuses": statuses,
        "latencies": latencies,
        "elapsed": elapsed,
    }


def merged(rounds: list[dict]) -> dict:
    """The rounds of one mode as one result: items/s over the time spent in that mode only."""
    latencies = sorted(x for r in rounds for x in r["latencies"])
    seconds = sum(r["elapsed"] for r in rounds)
    created, items, batch = (
        sum(r["created"] for r in rounds),
        sum(r["items"] for r in rounds),
        rounds[0]["batch"],
    )
    statuses: dict[int, int] = {}
    for r in rounds:
        for code, count in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    median = statistics.median(latencies)
    return {
        **{k: rounds[0][k] for k in ("kind", "path", "batch")},
        "requests": len(latencies),
        "items": items,
        "created": created,
        "seconds": round(seconds, 1),
        "items_per_second": round(created / seconds, 1),
        "median_ms_per_request": round(median * 1000, 1),
        "median_ms_per_item": round(median * 1000 / batch, 1),
        "statuses": statuses,
        "elapsed": seconds,
    }


def _singles(path: str, token: str, count: int, item: Callable[[int], dict], first: int) -> dict:
    """`count` single calls, as one round."""
    rounds = [
        drive(path=path, token=token, seconds=0, batch=0, item=item, first=first + n) for n in range(count)
    ]
    return {
        **merged([{"kind": "", "path": path, **r} for r in rounds]),
        "latencies": [x for r in rounds for x in r["latencies"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--batch", type=int, default=100, help="items per bulk request (at most 500)")
    parser.add_argument("--invoices", type=int, default=1500, help="open invoices of the paying customer")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--timeout", type=int, default=600, help="gunicorn worker timeout, seconds")
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        help="alternate single and bulk, `--batch` items each, this many times",
    )
    parser.add_argument("--keep", action="store_true", help="reuse the database of an earlier run")
    parser.add_argument("--json", help="also write the results to this file")
    options = parser.parse_args()

    if options.keep:  # the database of an earlier run: the payer's remaining open invoices
        manage("migrate", "--noinput", "-v0")  # the code may have moved on since
        orders_fixture, payer = json.loads(manage("shell", "-c", _KEEP).strip().splitlines()[-1])
    else:
        orders_fixture = prepare(1)
        payer = prepare_payer(options.invoices)
    rng = random.Random(13)

    def order(_: int) -> dict:
        lines = [
            {"product": pk, "quantity": str(rng.randint(1, 5))}
            for pk in rng.sample(orders_fixture["stock"], 2)
        ]
        lines.append({"product": rng.choice(orders_fixture["services"]), "quantity": "1"})
        return {
            "customer": orders_fixture["customers"][0],
            "lines": lines,
            "submit": True,
            "warehouse": orders_fixture["warehouse"],
        }

    def payment(number: int) -> dict:
        return {
            "customer": payer["customer"],
            "amount": "119.00",
            "reference": f"bulk bench {RUN} {number}",
            "received_on": time.strftime("%Y-%m-%d"),
        }

    server = start_server(options.workers, timeout=options.timeout)
    results = []
    try:
        drive(
            path="/api/v1/orders/", token=orders_fixture["token"], seconds=2, batch=0, item=order
        )  # warm up
        modes = [
            ("orders", "/api/v1/orders/", orders_fixture["token"], 0, order),
            ("orders", "/api/v1/orders/bulk/", orders_fixture["token"], options.batch, order),
            ("payments", "/api/v1/payments/", payer["token"], 0, lambda n: payment(n)),
            (
                "payments",
                "/api/v1/payments/bulk/",
                payer["token"],
                options.batch,
                lambda n: payment(10**6 + n),
            ),
        ]
        if options.rounds:  # single and bulk alternate, `batch` items each, so load drift hits both alike
            per_mode: dict[int, list[dict]] = {index: [] for index in range(len(modes))}
            for round_number in range(options.rounds):
                for index, (kind, path, token, batch, item) in enumerate(modes):
                    first = round_number * options.batch
                    if batch:
                        measured = drive(
                            path=path, token=token, seconds=0, batch=batch, item=item, first=first
                        )
                    else:
                        measured = _singles(path, token, options.batch, item, first)
                    per_mode[index].append({**measured, "kind": kind})
            results = [merged(rounds) for rounds in per_mode.values()]
        else:
            for kind, path, token, batch, item in modes:
                result = {
                    "kind": kind,
                    **drive(path=path, token=token, seconds=options.seconds, batch=batch, item=item),
                }
                results.append(result)
        for result in results:
            result.pop("latencies", None)
            result.pop("elapsed", None)
            print(json.dumps(result), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n| items | endpoint | per request | items/s | median ms per request | median ms per item | created |  (gunicorn {options.workers} sync workers, 1 client)"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['kind']} | `{r['path']}` | {r['batch']} | {r['items_per_second']} | {r['median_ms_per_request']} "
            f"| {r['median_ms_per_item']} | {r['created']} of {r['items']} |"
        )
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))
    if any(r["created"] != r["items"] for r in results):
        sys.exit("some items were not created (see statuses)")


if __name__ == "__main__":
    main()
