"""The peer: Tryton 8.2 through the shared runner, on the same PostgreSQL, in the same run
(`make bench-peer` only: the harness runs this script when O2C_BENCH_PEER=1).

    O2C_BENCH_PEER=1 .venv/bin/python bench/peer_tryton.py --json out.json [-n 5]

It calls `../shared/peers/tryton/run.sh -n N --json F` (TRYTON_RUNNER overrides the path; the
first call installs Tryton under /tmp/o2c-peer-tryton and builds its template database, minutes)
and reports what the runner measures: intake (create, quote, confirm with the credit-limit
check, process into shipment and invoice) and the full cycle (through shipment, invoice posting
and payment) in orders per second, one order per transaction, in-process through proteus (no
HTTP), and the database transactions per order from pg_stat_database. The runner does not count
SQL statements; its README gives about 2,770 per order.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BENCH_PROTOCOL = 1
BENCH_PEER_ONLY = 1
BENCH_ONCE = 1  # minutes per run: the harness runs it in one round of the three
TABLE = "peer-tryton"
INTAKE_PHASES = ("create", "quote", "confirm")  # "process" runs in confirm's queued task


def runner() -> Path | None:
    if os.environ.get("TRYTON_RUNNER"):
        return Path(os.environ["TRYTON_RUNNER"])
    for base in (common.ROOT.parent, common.ROOT.parent.parent, Path("/work")):
        candidate = base / "shared" / "peers" / "tryton" / "run.sh"
        if candidate.exists():
            return candidate
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL) to this file")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 orders")
    parser.add_argument("--base-url", help="ignored (Tryton runs in-process)")
    parser.add_argument("-n", "--orders", type=int, help="orders (default 5, quick 3)")
    options = parser.parse_args()
    orders = options.orders or (3 if options.quick or common.quick() else 5)
    script = runner()
    if script is None:
        sys.exit("the Tryton runner (../shared/peers/tryton/run.sh) is not here; set TRYTON_RUNNER")
    command = f"../shared/peers/tryton/run.sh -n {orders} --json out.json"
    results = common.Results(command)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "tryton.json"
        common.log(f"Tryton: {script} -n {orders}")
        parts = common.server_url().split("://", 1)[1]
        user, _, hostport = parts.rpartition("@")
        host, _, port = hostport.partition(":")
        env = {
            **os.environ,
            "PGHOST": host or "127.0.0.1",
            "PGPORT": port or "5432",
            "PGUSER": user or "postgres",
        }
        done = subprocess.run(
            ["bash", str(script), "-n", str(orders), "--json", str(out)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode or not out.exists():
            sys.exit(f"the Tryton runner failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        common.log(done.stdout.strip().splitlines()[-1])
        data = json.loads(out.read_text())
    pg = data.get("pg", {})
    intake_xacts = sum(pg.get(phase, {}).get("xact_commit", 0) for phase in INTAKE_PHASES) / orders
    row = f"Tryton 8.2, {orders} orders, 1 process"
    results.add(TABLE, row, "intake orders/s", data["intake_orders_per_s"], "orders/s", "higher")
    results.add(TABLE, row, "full cycle orders/s", data["full_cycle_orders_per_s"], "orders/s", "higher")
    results.add(TABLE, row, "intake commits per order", intake_xacts, "transactions", "lower")
    results.add(
        TABLE, row, "full cycle commits per order", data["db_commits_per_order"], "transactions", "lower"
    )
    results.write(options.json)


if __name__ == "__main__":
    main()
