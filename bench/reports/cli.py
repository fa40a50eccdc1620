"""The command line of bench/reports (see its __init__ for what it does)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import reports
from reports import data

COMMAND = ".venv/bin/python bench/reports"

# (table, row, metric, unit, result case, result key): what goes to the protocol's JSON
REPORT_ROWS = [
    ("aging as of today", "aging today"),
    ("aging as of a year ago", "aging a year ago"),
    ("aging totals (today)", "aging totals today"),
    ("DSO", "DSO"),
    ("KPIs", "KPIs"),
    ("dashboard, no snapshots", "dashboard, no snapshots"),
    ("dashboard, with snapshots", "dashboard, with snapshots"),
    ("aging page", "aging page"),
]
PAGE_ROWS = [
    ("order list (1,000,000 orders), first page", "order list"),
    ("order list, page 1,000", "order list, page 1000"),
    ("order entry", "order entry"),
    ("payment page (customer with 5,000 open invoices)", "payment page"),
]
JOB_ROWS = [
    ("dunning run (today)", "dunning run"),
    ("nightly snapshot (yesterday and 7 days' catch-up)", "nightly snapshot"),
    ("snapshot of one day", "snapshot of one day"),
]
GROWTH_CASES = [
    ("aging today", "aging today"),
    ("aging a year ago", "aging a year ago"),
    ("dashboard, no snapshots", "dashboard, no snapshots"),
    ("dashboard, with snapshots", "dashboard, with snapshots"),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measured(size: data.Size, *, runs: int, full: bool) -> dict:
    """Time `size` in a child process (Django is set up once per database)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve().parent),
                "--measure",
                size.database,
                "--runs",
                str(runs),
            ]
            + (["--full"] if full else [])
            + ["--out", out.name],
            check=True,
        )
        return json.loads(Path(out.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=reports.__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL.md) here")
    parser.add_argument("--quick", action="store_true", help="a smoke run on a 20,000-invoice history")
    parser.add_argument("--base-url", help="ignored: everything is timed in-process")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--growth", action="store_true", help="also time the 100,000-invoice history")
    parser.add_argument(
        "--ten-million", action="store_true", help="also time (and build) 10,000,000 invoices"
    )
    parser.add_argument("--generate-only", action="store_true", help="build the kept databases, time nothing")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        from reports.measure import main as measure_main

        measure_main(args.measure, args.runs, args.full, args.out)
        return
    quick = args.quick or os.environ.get("O2C_BENCH_QUICK") == "1"
    main_size = data.QUICK if quick else data.MAIN
    sizes = [main_size]
    if args.growth and not quick:
        sizes.insert(0, data.SMALL)
    if args.ten_million and not quick:
        sizes.append(data.LARGE)
    for size in sizes:
        data.ensure(size, log)
    if args.generate_only:
        return
    runs = 1 if quick else args.runs
    command = COMMAND + (" --quick" if quick else "")
    measurements = []

    def add(table: str, row: str, metric: str, value, unit: str, better: str = "lower", how: str = command):
        measurements.append(
            {
                "table": table,
                "row": row,
                "metric": metric,
                "value": value,
                "unit": unit,
                "better": better,
                "command": how,
            }
        )

    by_size = {}
    for size in sizes:
        log(f"timing {size.database} ({size.label}), median of {runs} runs after a warm-up")
        by_size[size] = measured(size, runs=runs, full=size is main_size)
    results = by_size[main_size]
    for table, rows in (("reports", REPORT_ROWS), ("pages", PAGE_ROWS), ("reports-jobs", JOB_ROWS)):
        for row, case in rows:
            add(table, row, "server time", results[case]["ms"], "ms")
            add(table, row, "SQL statements", results[case]["statements"], "statements")
    add(
        "reports-jobs",
        "dunning run (today)",
        "notices",
        results["dunning run"]["notices"],
        "notices",
        "higher",
    )
    growth_command = command + " --growth" + (" --ten-million" if args.ten_million else "")
    for size, result in by_size.items():
        for metric, case in GROWTH_CASES:
            add("reports-growth", size.label, metric, result[case]["ms"], "ms", how=growth_command)
        seconds = data.generation_seconds(size)
        if seconds is not None:
            add("reports-growth", size.label, "generation", seconds, "s", how=growth_command)
    if args.json:
        Path(args.json).write_text(json.dumps(measurements, indent=1))
        log(f"wrote {len(measurements)} measurements to {args.json}")
