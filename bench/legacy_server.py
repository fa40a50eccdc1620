"""The first order-intake bench, kept for bench/payments.py and bench/bulk.py, which import its
scratch database, gunicorn and load helpers (bench/order_intake.py is now the protocol's intake
bench, run by `make bench`). Run alone it still does what it did:

    .venv/bin/python bench/legacy_server.py                 # 1, 4, 16 clients, 20 s each
    .venv/bin/python bench/legacy_server.py --clients 4 --seconds 10 --workers 4

It builds a scratch database `o2c_bench` on the local PostgreSQL (DATABASE_URL's server), loads
the demo data through `seed_demo`, gives every stock product 1,000,000 units, creates one customer
without a credit limit per client, starts gunicorn (sync workers) on 127.0.0.1:8123 and drives it
from threads with keep-alive HTTP connections. Each order has three lines (two stock products,
one service) drawn at random; every order is credit-checked and allocated. Prints orders/s,
median and p99 latency per level, and checks that every response was a 201.
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8123
SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "o2c_bench")  # another name lets two benches run side by side
DATABASE_URL = f"{SERVER_URL}/{DATABASE}"


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2c.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }


def manage(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(), capture_output=True, text=True, check=True
    )
    return result.stdout


def prepare(clients: int) -> dict:
    subprocess.run(
        ["psql", SERVER_URL + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True
    )
    subprocess.run(["psql", SERVER_URL + "/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    script = f"""
import json
from decimal import Decimal
from django.contrib.auth.models import User
from customers.services import customer_create
from inventory.models import Product, Warehouse
from o2c import pipeline
from o2c.auth import api_token_issue
main = Warehouse.objects.get(code="MAIN")
stock = list(Product.objects.filter(kind="stock").values_list("pk", flat=True))
services = list(Product.objects.filter(kind="service").values_list("pk", flat=True))
for pk in stock:
    pipeline.stock_receive(product_id=pk, warehouse_id=main.pk, quantity=Decimal(1000000), reference="bench")
customers = [customer_create(code=f"B{{i:04d}}", name=f"Bench {{i}}", email=f"b{{i}}@bench.example", credit_limit=None).pk
             for i in range({max(clients, 16)})]
print(json.dumps({{"token": api_token_issue(user=User.objects.get(username="sales")), "stock": stock,
                  "services": services, "customers": customers, "warehouse": main.pk}}))
"""
    return json.loads(manage("shell", "-c", script).strip().splitlines()[-1])


def start_server(workers: int, timeout: int = 30) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "o2c.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--timeout",
            str(timeout),
        ],
        cwd=ROOT,
        env=env(),
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not come up")


def load_run(*, path: str, token: str, clients: int, seconds: float, body) -> dict:
    """`clients` threads POST `body(client_index, request_number)` (a JSON string) to `path` over
    keep-alive connections for `seconds`: requests, requests/s, median and p99 ms, statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        mine, codes, number = [], {}, 0
        while time.perf_counter() < stop_at:
            number += 1
            payload = body(index, number)
            started = time.perf_counter()
            connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] = codes.get(response.status, 0) + 1
        connection.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(elapsed, 1),
        "per_second": round(len(latencies) / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 1),
        "statuses": statuses,
    }


def run_level(fixture: dict, clients: int, seconds: float) -> dict:
    rngs = {index: random.Random(index) for index in range(clients)}

    def order(index: int, number: int) -> str:
        rng = rngs[index]
        lines = [
            {"product": pk, "quantity": str(rng.randint(1, 5))} for pk in rng.sample(fixture["stock"], 2)
        ]
        lines.append({"product": rng.choice(fixture["services"]), "quantity": "1"})
        customer = fixture["customers"][index % len(fixture["customers"])]
        return json.dumps(
            {"customer": customer, "lines": lines, "submit": True, "warehouse": fixture["warehouse"]}
        )

    result = load_run(
        path="/api/v1/orders/", token=fixture["token"], clients=clients, seconds=seconds, body=order
    )
    return {**result, "orders": result["requests"], "orders_per_second": result["per_second"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--json", help="also write the results to this file")
    options = parser.parse_args()

    fixture = prepare(max(options.clients))
    server = start_server(options.workers)
    results = []
    try:
        run_level(fixture, 2, 3)  # warm up connections and caches
        for clients in options.clients:
            result = run_level(fixture, clients, options.seconds)
            results.append(result)
            print(json.dumps(result), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n| clients | orders/s | median ms | p99 ms | orders | statuses |  (gunicorn {options.workers} sync workers)"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['clients']} | {r['orders_per_second']} | {r['median_ms']} | {r['p99_ms']} | {r['orders']} | {r['statuses']} |"
        )
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))
    if any(set(r["statuses"]) != {201} for r in results):
        sys.exit("some orders were not created (see statuses)")


if __name__ == "__main__":
    main()
