"""Time the reports and pages on the history and EXPLAIN their statements."""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from history.rows import DB_NAME, MANAGER_USERNAME

# ── timing ───────────────────────────────────────────────────────────────────────────────────────


SLOW_MS = 5000  # a case whose warm-up takes longer is run twice, not `runs` times


def timed(label: str, function, runs: int, log) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    function()  # warm-up
    if (time.perf_counter() - started) * 1000 > SLOW_MS:
        runs = min(runs, 2)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    log(
        f"{label:<58} median {median:8.1f} ms   runs: {', '.join(f'{t:.0f}' for t in times)}   ({len(captured)} queries)"
    )
    return {
        "label": label,
        "median_ms": round(median, 1),
        "runs_ms": [round(t, 1) for t in times],
        "queries": list(captured.captured_queries),
    }


def statement(sql: str) -> str:
    """The report's own statement: without the pghistory context that the middleware puts first."""
    if sql.startswith("SELECT set_config('pghistory.context_id'"):
        sql = sql.split(";", 1)[1]
    return sql.strip()


def explain(label: str, queries: list[dict], log) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for number, query in enumerate(queries, 1):
            sql = statement(query["sql"])
            if not sql.upper().startswith(("WITH", "SELECT")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            log(f"\n── EXPLAIN (ANALYZE, BUFFERS): {label}, query {number} of {len(queries)} ──\n{plan}")


def time_reports(*, runs: int, explain_all: bool, pages: bool, log) -> list[dict]:
    from django.db import connection
    from django.utils import timezone

    from reporting.aging import aging_report, aging_totals
    from reporting.dso import dso_report
    from reporting.kpis import kpis

    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM customers_customer), (SELECT count(*) FROM invoicing_invoice),"
            " (SELECT count(*) FROM receivables_payment), (SELECT count(*) FROM receivables_receivableentry),"
            " (SELECT MIN(issue_date) FROM invoicing_invoice), (SELECT MAX(issue_date) FROM invoicing_invoice),"
            " current_setting('jit'), current_setting('work_mem'), current_setting('shared_buffers')"
        )
        customers, invoices, payments, entries, first, last, jit, work_mem, shared_buffers = cursor.fetchone()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'bench%%' ORDER BY 1")
        extra = [row[0] for row in cursor.fetchall()]
    log(
        f"{DB_NAME}: {customers:,} customers, {invoices:,} invoices ({first} … {last}), {payments:,} payments, "
        f"{entries:,} open-item rows; today {today}; jit {jit}, work_mem {work_mem}, shared_buffers {shared_buffers}"
        + (f"; indexes added by hand: {', '.join(extra)}" if extra else "")
    )
    report = aging_report(as_of=today)
    log(
        f"aging today: {len(report.customers):,} customers; total {report.totals.total}; "
        f"over 90 {report.totals.days_over_90}; disputed {report.totals.disputed}; unapplied {report.totals.unapplied}"
    )
    dso = dso_report(as_of=today)
    log(
        f"DSO today: standard {dso.standard_dso}, count-back {dso.countback_dso}, best possible {dso.best_possible_dso}; "
        f"receivables {dso.receivables}, 90-day credit sales {dso.credit_sales}"
    )
    cases = [
        ("aging_report(as_of=today)", lambda: aging_report(as_of=today)),
        ("aging_report(as_of=one year ago)", lambda: aging_report(as_of=year_ago)),
        ("aging_totals(as_of=today)", lambda: aging_totals(as_of=today)),
        ("dso_report(as_of=today)", lambda: dso_report(as_of=today)),
        ("kpis(as_of=today)", lambda: kpis(as_of=today)),
    ]
    log(
        f"\nmedian of {runs} runs after 1 warm-up (2 runs when the warm-up takes over {SLOW_MS / 1000:.0f} s), ms:"
    )
    results = [timed(label, function, runs, log) for label, function in cases]
    if pages:
        results += time_pages(runs=runs, today=today, log=log)
    for result in results:
        if result["label"].startswith(("GET", "kpis")):
            slowest = sorted(result["queries"], key=lambda q: -float(q["time"]))[:6]
            log(
                f"  slowest statements of {result['label']}: "
                + "; ".join(
                    f"{float(q['time']) * 1000:.0f} ms «{' '.join(statement(q['sql']).split())[:70]}…»"
                    for q in slowest
                )
            )
    for result in results:
        if explain_all or not result["label"].startswith(("GET", "kpis", "aging_totals")):
            explain(result["label"], result["queries"], log)
    return results


def time_pages(*, runs: int, today: date, log) -> list[dict]:
    """The manager's home page (its dashboard), without and with the nightly KPI snapshots it
    reads, and the aging page when it exists."""
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    manager, created = User.objects.get_or_create(username=MANAGER_USERNAME)
    if created:
        manager.set_unusable_password()
        manager.save()
        manager.groups.add(Group.objects.get(name="manager"))
    client = Client()
    client.force_login(manager)

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    results = []
    try:
        from reporting.models import KpiSnapshot
        from reporting.snapshots import snapshot_take
    except ImportError:
        KpiSnapshot = None
    stored = KpiSnapshot.objects.count() if KpiSnapshot else 0
    results.append(
        timed(f"GET /home/manager/ ({stored} KPI snapshots stored)", page("/home/manager/"), runs, log)
    )
    if KpiSnapshot and not stored:
        # what the nightly task would have stored: the month-ends of the DSO trend and the day the
        # tiles compare with (reporting/dashboard/); taken for this timing, deleted after it
        first_of_month = today.replace(day=1)
        days = [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(12)]
        days.append(today - timedelta(days=30))
        started = time.perf_counter()
        taken = [snapshot_take(as_of=day).pk for day in days]
        log(
            f"  (took the {len(taken)} snapshots the dashboard reads in {time.perf_counter() - started:.0f} s)"
        )
        try:
            results.append(
                timed(
                    f"GET /home/manager/ ({len(taken)} KPI snapshots stored)",
                    page("/home/manager/"),
                    runs,
                    log,
                )
            )
        finally:
            KpiSnapshot.objects.filter(pk__in=taken).delete()
    try:
        url = reverse("reporting:aging")
    except NoReverseMatch:
        log("(no reporting:aging page yet; not timed)")
    else:
        results.append(timed(f"GET {url}", page(url), runs, log))
    return results
