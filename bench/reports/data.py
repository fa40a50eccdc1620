"""The kept history databases: generated once by bench/history, reused while their stamp holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Size:
    """One kept history: its database and the generator's arguments."""

    label: str
    database: str
    customers: int
    invoices: int
    open_customer: int
    years: int = 3
    seed: int = 7


MAIN = Size("1,000,000 invoices", "o2c_bench_history", 10_000, 1_000_000, 5_000)
SMALL = Size("100,000 invoices", "o2c_bench_history_100k", 10_000, 100_000, 5_000)
LARGE = Size("10,000,000 invoices", "o2c_bench_history_10m", 10_000, 10_000_000, 5_000)
QUICK = Size("20,000 invoices", "o2c_bench_history_quick", 500, 20_000, 200)


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{SERVER_URL}/{database}", "-qAtc", sql], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def stamp_of(size: Size) -> str:
    sys.path.insert(0, str(BENCH))
    from history.generate import stamp_of as history_stamp

    return history_stamp(
        customers=size.customers,
        invoices=size.invoices,
        years=size.years,
        seed=size.seed,
        open_customer=size.open_customer,
    )


def comment_of(size: Size) -> str:
    return psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{size.database}'"
    )


def generation_seconds(size: Size) -> float | None:
    """How long the kept database took to generate (recorded in its comment by `ensure`)."""
    match = re.search(r"generated_seconds=([0-9.]+)", comment_of(size))
    return float(match.group(1)) if match else None


def history_env(size: Size) -> dict[str, str]:
    return {**os.environ, "O2C_HISTORY_DB": size.database}


def ensure(size: Size, log) -> bool:
    """Generate `size` unless a database with its stamp is kept (then migrate it); True when
    generated now."""
    stamp = stamp_of(size)
    comment = comment_of(size)
    if comment.startswith(stamp):
        log(f"{size.database}: kept ({comment}); applying new migrations")
        subprocess.run(
            [sys.executable, str(BENCH / "history"), "--keep", "--no-time"],
            cwd=ROOT,
            env=history_env(size),
            check=True,
            stdout=sys.stderr,
        )
        return False
    log(f"{size.database}: {'stamp ' + repr(comment) if comment else 'missing'}; generating {size.label}")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "history"),
            "--customers",
            str(size.customers),
            "--invoices",
            str(size.invoices),
            "--years",
            str(size.years),
            "--seed",
            str(size.seed),
            "--open-customer",
            str(size.open_customer),
            "--no-time",
        ],
        cwd=ROOT,
        env=history_env(size),
        check=True,
        stdout=sys.stderr,
    )
    seconds = time.perf_counter() - started
    psql(f"COMMENT ON DATABASE {size.database} IS '{stamp} generated_seconds={seconds:.1f}'")
    log(f"{size.database}: generated in {seconds:.0f} s")
    return True
