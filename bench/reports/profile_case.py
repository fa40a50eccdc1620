"""Time (or profile) one case of bench/reports on a kept history, in-process (decision 0069):

    .venv/bin/python bench/reports/profile_case.py o2c_bench_history pay           # one run after a warm-up
    RUNS=3 .venv/bin/python bench/reports/profile_case.py o2c_bench_history orders1000
    .venv/bin/python bench/reports/profile_case.py o2c_scale_small dun             # once, rolled back
    .venv/bin/python bench/reports/profile_case.py o2c_scale_small pay --prof      # pyinstrument

Cases: pay, propose, orders, orders1000, dash, dun, kpis, agingya, agingpage.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.measure import Timer, manager_client, page, rolled_back, setup


def main() -> None:
    database, case = sys.argv[1], sys.argv[2]
    setup(database)
    from django.db import connection
    from django.utils import timezone

    from receivables.dunning.services import dunning_run
    from reporting.aging import aging_report
    from reporting.kpis import kpis

    today = timezone.localdate()
    client = manager_client()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customer_id, count(*) FROM invoicing_invoice WHERE balance > 0"
            " GROUP BY customer_id ORDER BY 2 DESC LIMIT 1"
        )
        big, open_count = cursor.fetchone()
    print(f"the largest customer ({big}) has {open_count:,} open invoices")

    def dun():
        print("notices", dunning_run(as_of=today).notices_sent)

    def propose():
        data = {"customer": big, "amount": "1000.00", "reference": "", "received_on": str(today)}
        return client.post("/cash/payments/new/proposal/", data)

    cases = {
        "pay": page(client, f"/cash/payments/new/?customer={big}"),
        "propose": propose,
        "orders": page(client, "/orders/"),
        "orders1000": page(client, "/orders/?page=1000"),
        "dash": page(client, "/home/manager/"),
        "dun": rolled_back(dun),
        "kpis": lambda: kpis(as_of=today),
        "agingya": lambda: aging_report(as_of=today - timedelta(days=365)),
        "agingpage": page(client, "/reports/aging/"),
    }
    function = cases[case]
    if "--prof" in sys.argv:
        from pyinstrument import Profiler

        function()
        profiler = Profiler()
        profiler.start()
        function()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return
    Timer(runs=int(os.environ.get("RUNS", "1")), log=print)(case, function, once=case == "dun")


main()
