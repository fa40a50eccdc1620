"""Order intake: `POST /api/v1/orders/` with `submit: true` (credit check, allocation), closed-loop
clients at 1, 4, 16 and 64, in two shapes, and (`O2C_BENCH_PEER=1`) the ceiling beside it.

    .venv/bin/python bench/order_intake.py --json out.json            # alone: builds its own server
    .venv/bin/python bench/order_intake.py --json out.json --quick    # 1 and 4 clients, 2 s each
    O2C_BENCH_PEER=1 .venv/bin/python bench/order_intake.py           # with the ceiling

Shapes: (a) every client orders for one customer and the same three stock products (the worst
contention: one customer row and three stock rows locked by every request); (b) one customer per
client, three distinct products drawn from 50. Three lines of 1–5 units per order. The clients are
threads of this process, each on its own keep-alive connection, sending the next order as soon as
the last one answered (no think time); each level runs `--seconds` after a warm-up that is not
counted. O2C and the ceiling (bench/ceiling/, `/bench/ceiling/orders/`) run back to back at each
level, on customers of their own (the ceiling's orders do not add to O2C's credit exposure).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BENCH_PROTOCOL = 1
LEVELS = (1, 4, 16, 64)
QUICK_LEVELS = (1, 4)
PRODUCTS = 50
COMMAND = ".venv/bin/python bench/order_intake.py --json out.json"

FIXTURE = """
import json, time
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
for i in range(%(products)d):
    product = product_create(sku=f"BI{run}-{i:02d}", name=f"Bench item {i}", unit_price=Decimal("12.50") + i,
                             tax_rate=Decimal("19.00"), standard_cost=Decimal("5.00"))
    pipeline.stock_receive(product_id=product.pk, warehouse_id=main.pk, quantity=Decimal(10**9), reference="bench", by=None)
    products.append(product.pk)
def customers(prefix, count):
    return [customer_create(code=f"{prefix}{run}-{i:03d}", name=f"Bench {prefix} {i}", email=f"{prefix.lower()}{i}@bench.example",
                            credit_limit=None).pk for i in range(count)]
print(json.dumps({"token": api_token_issue(user=User.objects.get(username="sales")), "warehouse": main.pk,
                  "products": products, "o2c": customers("IO", %(clients)d), "ceiling": customers("IC", %(clients)d)}))
"""


def prepare(env: dict[str, str], clients: int) -> dict:
    run = f"{os.getpid() % 100000:05d}"
    script = FIXTURE % {"run": run, "products": PRODUCTS, "clients": clients}
    return json.loads(common.manage(env, "shell", "-c", script).strip().splitlines()[-1])


def body(*, fixture: dict, target: str, shape: str, client: int, rng: random.Random) -> dict:
    if shape == "one":
        customer, products = fixture[target.lower()][0], fixture["products"][:3]
    else:
        customer, products = fixture[target.lower()][client], rng.sample(fixture["products"], 3)
    return {
        "customer": customer,
        "warehouse": fixture["warehouse"],
        "submit": True,
        "lines": [{"product": pk, "quantity": str(rng.randint(1, 5))} for pk in products],
    }


PATHS = {"O2C": "/api/v1/orders/", "ceiling": "/bench/ceiling/orders/"}
TABLES = {"one": "intake-one-customer", "many": "intake-customer-per-client"}


def level(
    *, base_url: str, fixture: dict, target: str, shape: str, clients: int, seconds: float, warmup: float
):
    rngs = [random.Random(client * 7919 + clients) for client in range(clients)]

    def operation(http: common.Http, client: int, number: int) -> bool:
        status, _ = http.call(
            "POST",
            PATHS[target],
            body(fixture=fixture, target=target, shape=shape, client=client, rng=rngs[client]),
        )
        return status == 201

    return common.closed_loop(
        clients=clients,
        seconds=seconds,
        warmup=warmup,
        connect=lambda _client: common.Http(base_url, fixture["token"]),
        operation=operation,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL) to this file")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 and 4 clients, 2 s each")
    parser.add_argument("--base-url", help="a running server (default: the harness's, else one of its own)")
    parser.add_argument("--clients", type=int, nargs="+")
    parser.add_argument("--seconds", type=float, help="measured seconds per level (default 4, quick 2)")
    parser.add_argument("--shapes", nargs="+", default=["one", "many"], choices=["one", "many"])
    options = parser.parse_args()
    if options.quick:
        os.environ["O2C_BENCH_QUICK"] = "1"
    if options.base_url:
        os.environ["O2C_BENCH_BASE_URL"] = options.base_url
    quick = common.quick()
    levels = options.clients or (QUICK_LEVELS if quick else LEVELS)
    seconds = options.seconds or float(os.environ.get("O2C_BENCH_SECONDS") or (2 if quick else 4))
    warmup = 0.5 if quick else 1.5
    targets = ["O2C", "ceiling"] if common.peer() else ["O2C"]
    results = common.Results(COMMAND)
    with common.script_environment() as env:
        fixture = prepare(env, max(levels))
        base_url = env["O2C_BENCH_BASE_URL"]
        for shape in options.shapes:
            for clients in levels:
                measured = {}
                for target in targets:
                    common.log(f"intake {shape}: {target}, {clients} clients, {seconds:g} s")
                    r = level(
                        base_url=base_url,
                        fixture=fixture,
                        target=target,
                        shape=shape,
                        clients=clients,
                        seconds=seconds,
                        warmup=warmup,
                    )
                    measured[target] = r
                    common.log(
                        f"  {r['per_second']:.1f} orders/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
                        f"{r['failed']:.0f} failed, client CPU {r['client_cpu']:.0%}"
                    )
                    row = f"{clients} client{'s' if clients > 1 else ''}"
                    table = TABLES[shape]
                    results.add(table, row, f"{target} orders/s", r["per_second"], "orders/s", "higher")
                    results.add(table, row, f"{target} p50 ms", r["p50_ms"], "ms", "lower")
                    results.add(table, row, f"{target} p99 ms", r["p99_ms"], "ms", "lower")
                    results.add(table, row, f"{target} failed", r["failed"], "requests", "lower")
                if "ceiling" in measured and measured["ceiling"]["per_second"]:
                    ratio = measured["O2C"]["per_second"] / measured["ceiling"]["per_second"]
                    results.add(TABLES[shape], row, "O2C / ceiling", ratio, "ratio", "higher")
    results.write(options.json)


if __name__ == "__main__":
    main()
