"""The command line of bench/history (see its __init__ for what it does)."""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import history
from history.generate import check, generate
from history.rows import DB_NAME, ROOT, database_exists, env, manage, psql
from history.timing import time_reports


def main() -> None:
    parser = argparse.ArgumentParser(description=history.__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--open-customer", type=int, default=0, help="this many invoices of the last customer stay open"
    )
    parser.add_argument("--keep", action="store_true", help="do not regenerate if the database exists")
    parser.add_argument("--only-time", action="store_true", help="time the reports on the existing database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-check", action="store_true", help="skip the consistency checks after generating"
    )
    parser.add_argument("--explain-all", action="store_true", help="also EXPLAIN the KPI and page queries")
    parser.add_argument("--no-pages", action="store_true", help="time the report functions only")
    parser.add_argument("--no-time", action="store_true", help="generate and check only; time nothing")
    parser.add_argument("--no-jit", action="store_true", help="time with SET jit = off on the connection")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    os.environ.update(env())
    sys.path.insert(0, str(ROOT))
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    django.setup()
    from django.conf import settings

    # DEBUG is off as in production, but static files are not collected: plain storage, no manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    exists = database_exists()
    if args.only_time and not exists:
        sys.exit(f"{DB_NAME} does not exist; run without --only-time first")
    if exists and (args.only_time or args.keep):
        # new migrations (say, the lead's indexes) apply to the kept history before timing
        applied = [line.strip() for line in manage("migrate", "--noinput").splitlines() if "Applying" in line]
        log(f"{DB_NAME} kept; migrations applied now: {', '.join(applied) or 'none'}")
        if applied:
            psql("ANALYZE", DB_NAME)
    else:
        counts = generate(
            customers=args.customers,
            invoices=args.invoices,
            years=args.years,
            seed=args.seed,
            log=log,
            open_customer=args.open_customer,
        )
        log("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        if not args.no_check and not check(log):
            sys.exit("the generated history is not consistent")
    if args.no_time:
        return
    if args.no_jit:
        from django.db.backends.signals import connection_created

        def jit_off(sender, connection, **kwargs) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")

        connection_created.connect(jit_off)
    time_reports(runs=args.runs, explain_all=args.explain_all, pages=not args.no_pages, log=log)
