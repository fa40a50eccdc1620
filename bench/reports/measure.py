"""The child process that times one kept history in-process (Django set up on that database)."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import warnings
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from reports.data import ROOT, SERVER_URL

MANAGER = "bench-reports-manager"


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    from legacy_server import env as bench_env

    os.environ.update(
        {
            **bench_env(),
            "DATABASE_URL": f"{SERVER_URL}/{database}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
    )
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: nothing collected
    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class Timer:
    def __init__(self, *, runs: int, log):
        self.runs, self.log = runs, log

    def __call__(self, label: str, function, *, once: bool = False) -> dict:
        """`once`: a job over the whole history (minutes): run once, no warm-up."""
        from django.db import connection

        if once:
            runs = 1
        else:
            started = time.perf_counter()
            function()  # warm-up
            runs = self.runs if time.perf_counter() - started < 5 else min(self.runs, 2)
        times, statements = [], [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        for _ in range(runs):
            statements[0] = 0
            with connection.execute_wrapper(count):  # CaptureQueriesContext keeps only 9,000
                started = time.perf_counter()
                function()
                times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        self.log(
            f"  {label:<52} {median:8.1f} ms  ({statements[0]} statements; runs {[round(t) for t in times]})"
        )
        return {"ms": round(median, 1), "statements": statements[0]}


def rolled_back(function):
    """Run `function` in a transaction that is rolled back: the kept history stays as generated."""
    from django.db import transaction

    def run():
        with transaction.atomic():
            result = function()
            transaction.set_rollback(True)
        return result

    return run


def manager_client():
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, created = User.objects.get_or_create(username=MANAGER)
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(user)
    return client


def page(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def measure(*, database: str, runs: int, full: bool, log) -> dict:
    """{case: {"ms": median, "statements": n}} for one database; `full`: every case, else the
    growth curve's (aging, dashboard)."""
    setup(database)
    from django.db import connection
    from django.utils import timezone

    from receivables.dunning.services import dunning_run
    from reporting.aging import aging_report, aging_totals
    from reporting.dso import dso_report
    from reporting.kpis import kpis
    from reporting.models import KpiSnapshot
    from reporting.snapshots import snapshot_take, snapshots_nightly

    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    timer = Timer(runs=runs, log=log)
    client = manager_client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM invoicing_invoice")
        (invoices,) = cursor.fetchone()
        cursor.execute(
            "SELECT customer_id, count(*) FROM invoicing_invoice WHERE balance > 0"
            " GROUP BY customer_id ORDER BY 2 DESC LIMIT 1"
        )
        big_customer, big_open = cursor.fetchone()
    log(
        f"{database}: {invoices:,} invoices; today {today}; the largest customer has {big_open:,} open invoices"
    )
    results: dict[str, dict] = {
        "_meta": {"invoices": invoices, "open_invoices_of_payment_customer": big_open}
    }
    assert not KpiSnapshot.objects.exists(), "the kept history should hold no KPI snapshot"
    results["aging today"] = timer("aging_report(as_of=today)", lambda: aging_report(as_of=today))
    results["aging a year ago"] = timer(
        "aging_report(as_of=a year ago)", lambda: aging_report(as_of=year_ago)
    )
    dashboard = page(client, "/home/manager/")
    results["dashboard, no snapshots"] = timer("GET /home/manager/ (no snapshots)", dashboard)

    def with_snapshots(function):
        def run():
            first_of_month = today.replace(day=1)
            days = [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(12)]
            days.append(today - timedelta(days=30))
            for day in days:
                snapshot_take(as_of=day)
            return function()

        return run

    # the 13 snapshots the dashboard reads (what the nightly task stores), taken once, rolled back after
    from django.db import transaction

    with transaction.atomic():
        with_snapshots(lambda: None)()
        results["dashboard, with snapshots"] = timer("GET /home/manager/ (13 snapshots)", dashboard)
        transaction.set_rollback(True)
    if not full:
        return results
    results["aging totals today"] = timer("aging_totals(as_of=today)", lambda: aging_totals(as_of=today))
    results["DSO"] = timer("dso_report(as_of=today)", lambda: dso_report(as_of=today))
    results["KPIs"] = timer("kpis(as_of=today)", lambda: kpis(as_of=today))
    results["aging page"] = timer("GET /reports/aging/", page(client, "/reports/aging/"))
    results["order list"] = timer("GET /orders/", page(client, "/orders/"))
    results["order list, page 1000"] = timer("GET /orders/?page=1000", page(client, "/orders/?page=1000"))
    results["order entry"] = timer("GET /orders/new/", page(client, "/orders/new/"))
    results["payment page"] = timer(
        f"GET /cash/payments/new/?customer= ({big_open:,} open)",
        page(client, f"/cash/payments/new/?customer={big_customer}"),
    )
    results["nightly snapshot"] = timer(
        "snapshots_nightly (yesterday + 7 days' catch-up)",
        rolled_back(lambda: snapshots_nightly(today=today)),
        once=True,
    )
    results["snapshot of one day"] = timer(
        "snapshot_take(as_of=yesterday)", rolled_back(lambda: snapshot_take(as_of=today - timedelta(days=1)))
    )
    notices = []

    def dun():
        run = dunning_run(as_of=today)
        notices.append(run.notices_sent)

    results["dunning run"] = timer("dunning_run(as_of=today)", rolled_back(dun), once=True)
    results["dunning run"]["notices"] = notices[-1]
    log(f"  (the dunning run sent {notices[-1]:,} notices, rolled back)")
    return results


def main(database: str, runs: int, full: bool, out: str) -> None:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = measure(database=database, runs=runs, full=full, log=log)
    with open(out, "w") as handle:
        json.dump(results, handle)
