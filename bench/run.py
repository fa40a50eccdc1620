"""The bench harness (BENCH_PROTOCOL, issue 14, decision 0049): `make bench`, `make bench-peer`.

    .venv/bin/python bench/run.py                 # every benchmark, 3 runs, BENCHMARKS.md rewritten
    .venv/bin/python bench/run.py --peer          # plus the ceiling and Tryton, in the same run
    .venv/bin/python bench/run.py --quick --runs 1 --only order_intake --no-write   # a smoke run

It creates and migrates the scratch database `o2c_bench` (BENCH_DATABASE), loads the demo data,
starts gunicorn (3 sync workers, bench.settings: O2C plus the ceiling's URL) and a Celery worker
on Redis (REDIS_URL, else 127.0.0.1:6379 database 13), then runs every benchmark script three
times, round by round (all scripts once, then again), so that slow drift of a shared machine
hits every script alike; a round that would pass `--budget` (15 minutes) is not started, and the
tables say how many runs their medians hold. Per (table, row, metric) it takes the median and the spread (min–max)
and rewrites, in BENCHMARKS.md, the block between `<!-- bench:<table> -->` and
`<!-- /bench:<table> -->` (a block not yet in the file is appended at its end); everything else
in the file is written by hand and kept.

A script takes part when it sets `BENCH_PROTOCOL = 1`, or when it reads the harness's
`O2C_BENCH_*` variables and takes `--json`; `BENCH_PEER_ONLY = 1` keeps it for `--peer`. Its
stderr is shown as it runs (the progress); its measurements come back in the JSON file.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

BENCH_DIR = Path(__file__).resolve().parent
MARKDOWN = common.ROOT / "BENCHMARKS.md"
NOT_SCRIPTS = {"run", "common", "settings", "urls", "__init__", "legacy_server"}
FIRST = ["statements", "order_intake", "full_cycle"]  # then the others by name, the peer last
# (the counts first: the e-mails the intake bench queues keep the worker busy for minutes after it)
SCRIPT_TIMEOUT = 900


# --- which scripts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Script:
    name: str
    path: Path
    peer_only: bool
    once: bool = False  # BENCH_ONCE = 1: slow and steady (counts, the peer), run in the first round only

    @property
    def argv(self) -> list[str]:
        return [common.PYTHON, str(self.path if self.path.suffix == ".py" else self.path.parent)]


def follows_protocol(source: str) -> bool | None:
    """True for a protocol script, None for a peer-only one, False otherwise."""
    if re.search(r"^BENCH_PROTOCOL\s*=\s*0\b", source, re.M):
        return False
    marked = re.search(r"^BENCH_PROTOCOL\s*=\s*1\b", source, re.M)
    if not marked and not ("O2C_BENCH_" in source and "--json" in source):
        return False
    return None if re.search(r"^BENCH_PEER_ONLY\s*=\s*(1|True)\b", source, re.M) else True


def discover(directory: Path = BENCH_DIR) -> list[Script]:
    found = []
    candidates = [(path.stem, path) for path in directory.glob("*.py")]
    candidates += [(path.parent.name, path) for path in directory.glob("*/__main__.py")]
    for name, path in candidates:
        if name in NOT_SCRIPTS:
            continue
        files = (
            [path] if path.name != "__main__.py" else sorted(path.parent.glob("*.py"))
        )  # a package: all of it
        source = "\n".join(file.read_text(encoding="utf-8") for file in files)
        kind = follows_protocol(source)
        if kind is not False:
            once = bool(re.search(r"^BENCH_ONCE\s*=\s*(1|True)\b", source, re.M))
            found.append(Script(name=name, path=path, peer_only=kind is None, once=once))

    def order(script: Script) -> tuple[int, int, str]:
        rank = FIRST.index(script.name) if script.name in FIRST else len(FIRST)
        return (int(script.peer_only), rank, script.name)

    return sorted(found, key=order)


# --- medians and spreads --------------------------------------------------------------------------


@dataclass
class Cell:
    values: list[float] = field(default_factory=list)
    unit: str = ""
    better: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass
class Table:
    command: str = ""
    rows: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)


def aggregate(runs: list[list[dict]]) -> dict[str, Table]:
    """Measurements of several runs → per table, its rows and metrics (in first-seen order) and
    every value of each (row, metric)."""
    tables: dict[str, Table] = {}
    for run in runs:
        for m in run:
            table = tables.setdefault(m["table"], Table(command=m.get("command", "")))
            if m["row"] not in table.rows:
                table.rows.append(m["row"])
            if m["metric"] not in table.metrics:
                table.metrics.append(m["metric"])
            cell = table.cells.setdefault(
                (m["row"], m["metric"]), Cell(unit=m.get("unit", ""), better=m.get("better", ""))
            )
            cell.values.append(float(m["value"]))
    return tables


def number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def cell_text(cell: Cell | None, runs: int) -> str:
    if cell is None or not cell.values:
        return "–"
    text = number(cell.median)
    if len(cell.values) > 1:
        low, high = min(cell.values), max(cell.values)
        text += f" ({number(low)}–{number(high)})" if low != high else ""
    return text


def render(table_id: str, table: Table, *, runs: int, machine: str, target: str) -> str:
    runs = max((len(cell.values) for cell in table.cells.values()), default=runs)
    head = f"| | {' | '.join(table.metrics)} |"
    lines = [
        f"<!-- bench:{table_id} -->",
        f"`{table.command}` — by `{target}`, "
        + (f"median of {runs} runs (min–max)" if runs > 1 else "1 run")
        + f"; {machine}.",
        "",
        head,
        "|" + " --- |" * (len(table.metrics) + 1),
    ]
    for row in table.rows:
        cells = [cell_text(table.cells.get((row, metric)), runs) for metric in table.metrics]
        lines.append(f"| {row} | {' | '.join(cells)} |")
    lines.append(f"<!-- /bench:{table_id} -->")
    return "\n".join(lines)


def rewrite(text: str, blocks: dict[str, str]) -> str:
    """`text` with each block put between its markers; blocks without markers are appended."""
    missing = []
    for table_id, block in blocks.items():
        pattern = re.compile(
            rf"<!-- bench:{re.escape(table_id)} -->.*?<!-- /bench:{re.escape(table_id)} -->", re.S
        )
        if pattern.search(text):
            text = pattern.sub(lambda _match, block=block: block, text, count=1)
        else:
            missing.append(block)
    if missing:
        text = text.rstrip("\n") + "\n\n" + "\n\n".join(missing) + "\n"
    return text


# --- ratios across scripts, taken within each round -----------------------------------------------

# (table, row, metric) of O2C over that of Tryton, computed per round where both exist.
PEER_RATIOS = [
    (
        "intake, one customer, 16 clients / Tryton intake",
        ("intake-one-customer", "16 clients", "O2C orders/s"),
        ("peer-tryton", None, "intake orders/s"),
    ),
    (
        "intake, one customer, 1 client / Tryton intake",
        ("intake-one-customer", "1 client", "O2C orders/s"),
        ("peer-tryton", None, "intake orders/s"),
    ),
    (
        "full cycle, API, 4 clients / Tryton full cycle",
        ("full-cycle", "API, 4 clients", "orders/s"),
        ("peer-tryton", None, "full cycle orders/s"),
    ),
    (
        "full cycle, in-process / Tryton full cycle",
        ("full-cycle", "in-process pipeline, 1 process", "orders/s"),
        ("peer-tryton", None, "full cycle orders/s"),
    ),
]


def peer_ratios(run: list[dict], every: list[dict]) -> list[dict]:
    """The ratios of PEER_RATIOS in one round (`run`); a peer that ran in another round only
    (BENCH_ONCE) is taken from `every` round."""

    def find(rows: list[dict], table: str, row: str | None, metric: str) -> float | None:
        for m in rows:
            if m["table"] == table and m["metric"] == metric and (row is None or m["row"] == row):
                return float(m["value"])
        return None

    out = []
    for label, numerator, denominator in PEER_RATIOS:
        top = find(run, *numerator)
        bottom = find(run, *denominator) or find(every, *denominator)
        if top is not None and bottom:
            out.append(
                {
                    "table": "peer-ratios",
                    "row": label,
                    "metric": "O2C / Tryton",
                    "value": round(top / bottom, 2),
                    "unit": "ratio",
                    "better": "higher",
                    "command": "make bench-peer",
                }
            )
    return out


# --- running -------------------------------------------------------------------------------------


def run_script(script: Script, env: dict[str, str], *, quick: bool, label: str) -> list[dict] | None:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    argv = [*script.argv, "--json", str(out), *(["--quick"] if quick else [])]
    common.log(f"{label} {script.name}: {' '.join(argv[1:])}")
    started = time.monotonic()
    try:
        done = subprocess.run(argv, cwd=common.ROOT, env=env, timeout=SCRIPT_TIMEOUT, check=False)
        if done.returncode:
            common.log(f"{label} {script.name} FAILED (exit {done.returncode})")
            return None
        rows = json.loads(out.read_text() or "[]")
    except subprocess.TimeoutExpired:
        common.log(f"{label} {script.name} FAILED: over {SCRIPT_TIMEOUT} s")
        return None
    except ValueError as error:
        common.log(f"{label} {script.name} FAILED: its JSON: {error}")
        return None
    finally:
        out.unlink(missing_ok=True)
    common.log(f"{label} {script.name}: {len(rows)} measurements in {time.monotonic() - started:.0f} s")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", action="store_true", help="add the ceiling and Tryton (make bench-peer)")
    parser.add_argument("--quick", action="store_true", help="a smoke run (each script's --quick)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--budget", type=float, default=15, help="minutes: no further run is started that would pass it"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="these scripts only (file names without .py)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the tables, leave BENCHMARKS.md alone")
    parser.add_argument("--markdown", type=Path, default=MARKDOWN)
    options = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop gunicorn and the worker on the way out
    scripts = [s for s in discover() if options.peer or not s.peer_only]
    if options.only:
        scripts = [s for s in scripts if s.name in options.only]
    if not scripts:
        sys.exit("no benchmark script to run")
    info = common.machine()
    machine = common.machine_line(info)
    target = "make bench-peer" if options.peer else "make bench"
    print(
        f"{target}: {', '.join(s.name for s in scripts)}; {options.runs} runs\nmachine: {machine}",
        file=sys.stderr,
    )
    began = time.monotonic()
    runs: list[list[dict]] = [[] for _ in range(options.runs)]
    failures = []
    skipped = 0
    with common.environment() as env:
        env = {
            **env,
            "O2C_BENCH_PEER": "1" if options.peer else "0",
            "O2C_BENCH_QUICK": "1" if options.quick else "0",
        }
        took: dict[str, float] = {}  # seconds of each script's last run
        for number_ in range(options.runs):
            needed = sum(took.get(s.name, 0) for s in scripts if not s.once)
            if number_ and time.monotonic() - began + needed > options.budget * 60:
                common.log(
                    f"run {number_ + 1} and after skipped: another run (~{needed:.0f} s) would pass the "
                    f"{options.budget:g}-minute budget (a busy machine); the tables say how many runs they hold"
                )
                skipped = options.runs - number_
                break
            for script in scripts:
                if script.once and number_:
                    continue  # counts, or minutes each (the peer): the first run only
                label = f"[run {number_ + 1}/{options.runs}, {time.monotonic() - began:.0f} s]"
                started = time.monotonic()
                rows = run_script(script, env, quick=options.quick, label=label)
                took[script.name] = time.monotonic() - started
                if rows is None:
                    failures.append(f"{script.name} (run {number_ + 1})")
                else:
                    runs[number_].extend(rows)
    if options.peer:
        every = [m for run in runs for m in run]
        for run in runs:
            run.extend(peer_ratios(run, every))
    elapsed = time.monotonic() - began
    runs = [run for run in runs if run]
    tables = aggregate(runs)
    machine += f", whole run {elapsed / 60:.1f} min"
    blocks = {
        table_id: render(table_id, table, runs=options.runs, machine=machine, target=target)
        for table_id, table in tables.items()
    }
    for block in blocks.values():
        print("\n" + block)
    if not options.no_write:
        options.markdown.write_text(
            rewrite(options.markdown.read_text(encoding="utf-8"), blocks), encoding="utf-8"
        )
        print(f"\n{options.markdown.name}: {len(blocks)} tables rewritten", file=sys.stderr)
    print(
        f"{target}: {elapsed / 60:.1f} min"
        + (f", {skipped} run(s) skipped for the budget" if skipped else ""),
        file=sys.stderr,
    )
    if failures:
        sys.exit(f"failed: {', '.join(failures)}")


if __name__ == "__main__":
    main()
