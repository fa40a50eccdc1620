"""Import throughput: 100,000 customers from one CSV file, dry run and real run, in one process
(what the API's `POST /api/v1/imports/customers/` and the import task do after the upload).

    .venv/bin/python bench/imports.py                    # 100,000 customers
    .venv/bin/python bench/imports.py --rows 20000 --keep

It builds the scratch database `o2c_bench_imports` on the local PostgreSQL (as the other benches
build theirs; `--keep` reuses it, emptied of customers), writes a CSV of `--rows` new customers
(code, name, email, currency, payment terms, credit limit, VAT number, billing address; German
decimal commas in a semicolon file, every 10th with an EU VAT number checked digit by digit),
then times `imports.services.import_run`: the dry run (read, check every row), the real run
(check again, then create all rows in one transaction, pghistory's audit triggers included) and a
second real run of the same file (every row an unchanged update). Prints rows/s of each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE_URL = f"{SERVER_URL}/o2c_bench_imports"
ROOT = Path(__file__).resolve().parent.parent


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2c.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
        "O2C_TASKS_EAGER": "false",
        "MEDIA_ROOT": "/tmp/media_bench_imports",
    }


def manage(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(), capture_output=True, text=True, check=True
    )
    return result.stdout


SCRIPT = """
import time
from customers.models import Customer
from imports.services import import_run

ROWS = {rows}
Customer.objects.filter(code__startswith="BI-").delete()
vat = "DE811907980"
lines = ["code;name;email;currency;payment_terms_days;credit_limit;vat_number;billing_address"]
for i in range(ROWS):
    lines.append(
        f"BI-{{i:06d}};Kunde {{i}} GmbH;ap{{i}}@kunde.example;EUR;{{(i % 4 + 1) * 15}};{{i % 50}}.000,50;"
        f"{{vat if i % 10 == 0 else ''}};Hauptstr. {{i % 200}}, 10115 Berlin"
    )
content = ("\\r\\n".join(lines) + "\\r\\n").encode("cp1252")
print(f"file: {{ROWS}} rows, {{len(content) / 1e6:.1f}} MB")
for label, dry_run in (("dry run", True), ("real run (creates)", False), ("real run again (unchanged)", False)):
    start = time.perf_counter()
    result = import_run(kind="customers", content=content, filename="customers.csv", dry_run=dry_run)
    seconds = time.perf_counter() - start
    assert not result.errors, result.errors[:3]
    print(f"{{label:28}} {{seconds:6.1f}} s  {{result.rows / seconds:8.0f}} rows/s  "
          f"created {{result.created}}, updated {{result.updated}}")
assert Customer.objects.filter(code__startswith="BI-").count() == ROWS
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database")
    options = parser.parse_args()
    if not options.keep:
        for sql in ("DROP DATABASE IF EXISTS o2c_bench_imports", "CREATE DATABASE o2c_bench_imports"):
            subprocess.run(["psql", SERVER_URL + "/postgres", "-qc", sql], check=True)
        manage("migrate", "--noinput", "-v0")
    print(manage("shell", "-c", SCRIPT.format(rows=options.rows)), end="")


if __name__ == "__main__":
    main()
