"""Payment recording throughput: `POST /api/v1/payments/` (automatic application, oldest due
first) against gunicorn and PostgreSQL, with 1 and 4 concurrent clients.

    .venv/bin/python bench/payments.py                       # 1 and 4 clients, 15 s each
    .venv/bin/python bench/payments.py --clients 4 --seconds 10 --invoices 400

It builds the scratch database `o2c_bench` (as bench/order_intake.py does), creates one customer
per client with `--invoices` open invoices of 119.00 each (service orders invoiced on approval),
starts gunicorn on 127.0.0.1:8123 and has each client pay its own customer's invoices one by one
(amount 119.00, no allocations: the service applies it to the oldest due invoice). Every payment
locks the customer's open invoices, takes a gapless PAY number, writes its open-item rows and its
journal entry, updates the invoice and the order's payment status (closing the order) and
re-checks held orders. Prints payments/s, median and p99 latency; checks every response was 201.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from legacy_server import SERVER_URL, env, load_run, manage, start_server

_FIXTURE = """
import json
from django.contrib.auth.models import User
from customers.models import Customer
from o2c.auth import api_token_issue
customers = list(Customer.objects.filter(code__startswith="P").order_by("code").values_list("pk", flat=True))
print(json.dumps({"token": api_token_issue(user=User.objects.get(username="finance")), "customers": customers}))
"""


def prepare(clients: int, invoices: int, keep: bool = False) -> dict:
    if keep:  # the database of an earlier run, its customers' remaining open invoices
        return json.loads(manage("shell", "-c", _FIXTURE).strip().splitlines()[-1])
    subprocess.run(["psql", SERVER_URL + "/postgres", "-qc", "DROP DATABASE IF EXISTS o2c_bench"], check=True)
    subprocess.run(["psql", SERVER_URL + "/postgres", "-qc", "CREATE DATABASE o2c_bench"], check=True)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    script = f"""
import json
from decimal import Decimal
from django.contrib.auth.models import User
from customers.services import customer_create
from inventory.services import product_create
from inventory.models import Warehouse
from orders.services import LineInput
from o2c import pipeline
from o2c.auth import api_token_issue
service = product_create(sku="BENCH-SVC", name="Bench service", kind="service", unit_price=Decimal("100.00"),
                         tax_rate=Decimal("19.00"), standard_cost=Decimal("0"))
main = Warehouse.objects.get(code="MAIN")
customers = []
for i in range({clients}):
    customer = customer_create(code=f"P{{i:04d}}", name=f"Payer {{i}}", email=f"p{{i}}@bench.example", credit_limit=None)
    for _ in range({invoices}):
        pipeline.order_place(by=None, submit=True, customer_id=customer.pk, warehouse_id=main.pk,
                             lines=[LineInput(product_id=service.pk, quantity=Decimal(1))])
    customers.append(customer.pk)
print(json.dumps({{"token": api_token_issue(user=User.objects.get(username="finance")), "customers": customers}}))
"""
    # The invoices' PDF and e-mail delivery is queued to an in-memory broker nobody reads: the
    # set-up measures nothing, and rendering 2,400 PDFs would take minutes.
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env(), "CELERY_BROKER_URL": "memory://", "O2C_TASKS_EAGER": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


RUN = int(time.time())


def run_level(fixture: dict, clients: int, seconds: float, first: int) -> dict:
    def payment(index: int, number: int) -> str:
        return json.dumps(
            {
                "customer": fixture["customers"][index],
                "amount": "119.00",
                "reference": f"bench {RUN} {index}-{first + number}",  # unique: no duplicate refusals
                "received_on": time.strftime("%Y-%m-%d"),
            }
        )

    result = load_run(
        path="/api/v1/payments/", token=fixture["token"], clients=clients, seconds=seconds, body=payment
    )
    return {**result, "payments": result["requests"], "payments_per_second": result["per_second"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--invoices", type=int, default=600, help="open invoices per customer")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="reuse o2c_bench from an earlier run")
    options = parser.parse_args()

    fixture = prepare(max(options.clients), options.invoices, keep=options.keep)
    server = start_server(options.workers)
    results = []
    try:
        for number, clients in enumerate(options.clients):
            result = run_level(fixture, clients, options.seconds, first=number * 100000)
            results.append(result)
            print(json.dumps(result), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n| clients | payments/s | median ms | p99 ms | payments | statuses |  (gunicorn {options.workers} workers)"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['clients']} | {r['payments_per_second']} | {r['median_ms']} | {r['p99_ms']} "
            f"| {r['payments']} | {r['statuses']} |"
        )
    if any(set(r["statuses"]) != {201} for r in results):
        sys.exit("some payments were not recorded (see statuses)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
