"""The full cycle: order (submitted: credit check, allocation) → shipment → pack → ship (stock out,
invoice, postings) → payment applied to the invoice; through the API with closed-loop clients at
1, 4 and 16 (`--clients 1 4 16 64` for more), and the same steps through o2c.pipeline in one process.

    .venv/bin/python bench/full_cycle.py --json out.json
    .venv/bin/python bench/full_cycle.py --json out.json --quick

Every client works for the same customer (as the issue's first measurement: the cash and order
steps of all clients meet on one customer row), three stock products, 3 lines of 1–5 units. One
cycle is five requests with the token of the role that does each step (sales, warehouse ×3,
finance): `POST /api/v1/orders/` (`submit: true`), `POST /api/v1/shipments/`,
`POST /api/v1/shipments/{id}/pack/`, `POST /api/v1/shipments/{id}/ship/`, `POST /api/v1/payments/`
(the order's total allocated to the invoice). A cycle fails when any step does not answer 2xx;
failed cycles are counted, not retried. In-process: `pipeline.order_place(submit=True)`,
`shipment_create`, `shipment_pack`, `shipment_ship`, `payment_record` in a loop in this process
(no HTTP, no middleware), on a customer of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BENCH_PROTOCOL = 1
LEVELS = (1, 4, 16)  # 64 does not fit the 15 minutes of make bench on 2 cores: --clients 64
QUICK_LEVELS = (1, 4)
COMMAND = ".venv/bin/python bench/full_cycle.py --json out.json"
TABLE = "full-cycle"

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
    product = product_create(sku=f"BF{run}-{i:02d}", name=f"Bench cycle item {i}", unit_price=Decimal("20.00") + i,
                             tax_rate=Decimal("19.00"), standard_cost=Decimal("8.00"))
    pipeline.stock_receive(product_id=product.pk, warehouse_id=main.pk, quantity=Decimal(10**9), reference="bench", by=None)
    products.append(product.pk)
def customer(code):
    return customer_create(code=f"{code}{run}", name=f"Bench cycle {code}", email=f"{code.lower()}@bench.example",
                           credit_limit=None, shipping_address="Hafenstrasse 1\\n20457 Hamburg").pk
tokens = {name: api_token_issue(user=User.objects.get(username=name)) for name in ("sales", "warehouse", "finance")}
print(json.dumps({"tokens": tokens, "warehouse": main.pk, "products": products,
                  "api": customer("FA"), "inprocess": customer("FP")}))
"""


def prepare(env: dict[str, str]) -> dict:
    script = FIXTURE % {"run": f"{os.getpid() % 100000:05d}"}
    return json.loads(common.manage(env, "shell", "-c", script).strip().splitlines()[-1])


def api_level(*, base_url: str, fixture: dict, clients: int, seconds: float, warmup: float) -> dict:
    rngs = [random.Random(client * 104729 + clients) for client in range(clients)]
    tokens = fixture["tokens"]

    def cycle(http: common.Http, client: int, number: int) -> bool:
        rng = rngs[client]
        http.headers["Authorization"] = f"Token {tokens['sales']}"
        status, order = http.call(
            "POST",
            "/api/v1/orders/",
            {
                "customer": fixture["api"],
                "warehouse": fixture["warehouse"],
                "submit": True,
                "lines": [{"product": pk, "quantity": str(rng.randint(1, 5))} for pk in fixture["products"]],
            },
        )
        if status != 201 or not isinstance(order, dict) or order.get("status") != "open":
            return False
        http.headers["Authorization"] = f"Token {tokens['warehouse']}"
        status, shipment = http.call("POST", "/api/v1/shipments/", {"order": order["id"]})
        if status != 201 or not isinstance(shipment, dict):
            return False
        status, _ = http.call("POST", f"/api/v1/shipments/{shipment['id']}/pack/")
        if status != 200:
            return False
        status, shipped = http.call(
            "POST",
            f"/api/v1/shipments/{shipment['id']}/ship/",
            {"carrier": "DHL", "tracking_number": f"B{number}"},
        )
        if status != 200 or not isinstance(shipped, dict) or not shipped.get("invoice"):
            return False
        http.headers["Authorization"] = f"Token {tokens['finance']}"
        status, _ = http.call(
            "POST",
            "/api/v1/payments/",
            {
                "customer": fixture["api"],
                "amount": order["total"],
                "received_on": date.today().isoformat(),
                "reference": f"bench {order['number']}",
                "allocations": [{"invoice": shipped["invoice"], "amount": order["total"]}],
                "confirm_duplicate": True,
            },
        )
        return status == 201

    return common.closed_loop(
        clients=clients,
        seconds=seconds,
        warmup=warmup,
        connect=lambda _client: common.Http(base_url, tokens["sales"]),
        operation=cycle,
    )


def in_process(*, fixture: dict, seconds: float, warmup: float) -> dict:
    """The five steps through o2c.pipeline in a loop in this process."""
    common.django_setup()
    from decimal import Decimal

    from django.contrib.auth.models import User
    from django.db import connection

    from o2c import pipeline
    from orders.services import LineInput
    from receivables.cash.services.payments import AllocationInput

    users = {name: User.objects.get(username=name) for name in ("sales", "warehouse", "finance")}
    rng = random.Random(7)
    latencies: list[float] = []
    failed = 0
    begin = time.perf_counter() + warmup
    end = begin + seconds
    while True:
        started = time.perf_counter()
        if started >= end and len(latencies) >= 3:
            break
        try:
            order = pipeline.order_place(
                by=users["sales"],
                submit=True,
                customer_id=fixture["inprocess"],
                warehouse_id=fixture["warehouse"],
                lines=[
                    LineInput(product_id=pk, quantity=Decimal(rng.randint(1, 5)))
                    for pk in fixture["products"]
                ],
            )
            shipment = pipeline.shipment_create(order_id=order.pk, by=users["warehouse"])
            pipeline.shipment_pack(shipment_id=shipment.pk, by=users["warehouse"])
            shipment = pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=users["warehouse"])
            pipeline.payment_record(
                customer_id=fixture["inprocess"],
                amount=order.total,
                received_on=date.today(),
                reference=f"bench {order.number}",
                allocations=[AllocationInput(invoice_id=shipment.invoice.pk, amount=order.total)],
                confirm_duplicate=True,
                by=users["finance"],
            )
            ok = True
        except Exception as error:
            common.log(f"in-process cycle failed: {error!r}")
            ok = False
        if started >= begin:
            latencies.append(time.perf_counter() - started)
            failed += 0 if ok else 1
    connection.close()
    measured = time.perf_counter() - begin
    return {
        "per_second": (len(latencies) - failed) / measured,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": common.percentile(latencies, 0.99) * 1000,
        "failed": float(failed),
        "client_cpu": 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL) to this file")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 and 4 clients, 2 s each")
    parser.add_argument("--base-url", help="a running server (default: the harness's, else one of its own)")
    parser.add_argument("--clients", type=int, nargs="+")
    parser.add_argument("--seconds", type=float, help="measured seconds per level (default 6, quick 3)")
    options = parser.parse_args()
    if options.quick:
        os.environ["O2C_BENCH_QUICK"] = "1"
    if options.base_url:
        os.environ["O2C_BENCH_BASE_URL"] = options.base_url
    quick = common.quick()
    levels = options.clients or (QUICK_LEVELS if quick else LEVELS)
    seconds = options.seconds or float(os.environ.get("O2C_BENCH_SECONDS") or (3 if quick else 6))
    warmup = 0.5 if quick else 2.0
    results = common.Results(COMMAND)
    with common.script_environment() as env:
        fixture = prepare(env)
        for clients in levels:
            common.log(f"full cycle through the API: {clients} clients, {seconds:g} s")
            r = api_level(
                base_url=env["O2C_BENCH_BASE_URL"],
                fixture=fixture,
                clients=clients,
                seconds=seconds,
                warmup=warmup,
            )
            common.log(
                f"  {r['per_second']:.2f} cycles/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
                f"{r['failed']:.0f} failed, client CPU {r['client_cpu']:.0%}"
            )
            row = f"API, {clients} client{'s' if clients > 1 else ''}"
            results.add(TABLE, row, "orders/s", r["per_second"], "orders/s", "higher")
            results.add(TABLE, row, "p50 ms", r["p50_ms"], "ms", "lower")
            results.add(TABLE, row, "p99 ms", r["p99_ms"], "ms", "lower")
            results.add(TABLE, row, "failed cycles", r["failed"], "cycles", "lower")
        common.log(f"full cycle in-process (o2c.pipeline), one process, {seconds:g} s")
        r = in_process(fixture=fixture, seconds=seconds, warmup=warmup)
        common.log(f"  {r['per_second']:.2f} cycles/s, p50 {r['p50_ms']:.0f} ms, {r['failed']:.0f} failed")
        row = "in-process pipeline, 1 process"
        results.add(TABLE, row, "orders/s", r["per_second"], "orders/s", "higher")
        results.add(TABLE, row, "p50 ms", r["p50_ms"], "ms", "lower")
        results.add(TABLE, row, "p99 ms", r["p99_ms"], "ms", "lower")
        results.add(TABLE, row, "failed cycles", r["failed"], "cycles", "lower")
    results.write(options.json)


if __name__ == "__main__":
    main()
