"""The cash forecast's backtest (issue 16, decision 0064): its error per week ahead beside the naive
"paid on the due date" forecast, on a generated history.

    .venv/bin/python bench/cash_forecast.py --json out.json            # 80,000 invoices, 2 years
    .venv/bin/python bench/cash_forecast.py --json out.json --quick    # the same history, 3 origins

The history is bench/history's (customers with a payment habit each: prompt, steady, slow,
erratic, bad; docs/decisions/0019-history-generator.md) in the kept database `o2c_forecast_hist`
(1,000 customers, 80,000 invoices over two years; O2C_FORECAST_HISTORY_DB overrides), generated
once (about a minute) and reused while the generator's stamp holds, like bench/reports'.

For each month-end from the sixth month on whose 13 weeks ahead lie inside the history, the
forecast is made as of that day (reporting.forecast.backtest: only invoices issued by then, their
balances then, payments applied by then) and compared with what the invoices open then actually
brought in, week by week: MAE and WAPE per week ahead for the forecast and the naive one, and the
share of weeks whose actual fell within the forecast's low–high range. The harness's scratch
database, server and worker are not used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

BENCH_PROTOCOL = 1
BENCH_ONCE = 1  # the errors are the same every run; the timing is a side figure
COMMAND = ".venv/bin/python bench/cash_forecast.py"
TABLE = "cash-forecast-backtest"
TIMING_TABLE = "cash-forecast-timing"
DATABASE = os.environ.get("O2C_FORECAST_HISTORY_DB", "o2c_forecast_hist")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", help="write the measurements (BENCH_PROTOCOL.md) here")
    parser.add_argument("--quick", action="store_true", help="three origins only")
    parser.add_argument("--base-url", help="ignored: everything runs in-process")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("O2C_BENCH_QUICK") == "1"

    from reports import data  # bench/reports: the kept history databases

    size = data.Size("80,000 invoices, 2 years", DATABASE, 1_000, 80_000, 0, years=2)
    data.ensure(size, log)

    from reports.measure import setup

    setup(DATABASE)
    warnings.filterwarnings("ignore", message="No directory at")
    from datetime import date

    from django.utils import timezone

    from reporting.forecast.backtest import backtest, history_span, month_end_origins
    from reporting.forecast.selectors import cash_forecast

    first, last = history_span()
    assert first and last, f"{DATABASE} holds no history"
    origins = month_end_origins(first_day=first, last_day=last)
    if quick:
        origins = origins[-3:]
    log(f"backtest on {DATABASE}: {len(origins)} origins, {origins[0]} … {origins[-1]}")
    started = time.perf_counter()
    result = backtest(origins=origins)
    seconds = time.perf_counter() - started
    today: date = last or timezone.localdate()
    started = time.perf_counter()
    cash_forecast(as_of=today)
    today_seconds = time.perf_counter() - started
    command = COMMAND + (" --quick" if quick else "")
    measurements = []

    def add(table: str, row: str, metric: str, value, unit: str, better: str = "lower") -> None:
        measurements.append(
            {
                "table": table,
                "row": row,
                "metric": metric,
                "value": float(value) if value is not None else None,
                "unit": unit,
                "better": better,
                "command": command,
            }
        )

    for week in [*result.weeks, result.total]:
        row = f"week {week.week}" if week.week else f"weeks 1–13, {len(origins)} origins"
        add(TABLE, row, "actual, mean", week.actual_mean, "EUR", "")
        add(TABLE, row, "forecast MAE", week.forecast_mae, "EUR")
        add(TABLE, row, "naive MAE", week.naive_mae, "EUR")
        add(TABLE, row, "forecast WAPE %", week.forecast_wape, "%")
        add(TABLE, row, "naive WAPE %", week.naive_wape, "%")
        add(TABLE, row, "actual within low–high %", week.within_range, "%", "higher")
        log(
            f"{row}: actual {week.actual_mean:,}, MAE {week.forecast_mae:,} vs naive {week.naive_mae:,}, "
            f"WAPE {week.forecast_wape} % vs {week.naive_wape} %, in range {week.within_range} %"
        )
    add(TIMING_TABLE, f"backtest, {len(origins)} origins", "seconds", round(seconds, 2), "s")
    add(
        TIMING_TABLE,
        f"one forecast, as of {today} (the history's last day)",
        "seconds",
        round(today_seconds, 2),
        "s",
    )
    log(f"forecast {'beats' if result.beats_naive else 'does NOT beat'} the naive one; {seconds:.1f} s")
    measurements = [m for m in measurements if m["value"] is not None]
    if args.json:
        Path(args.json).write_text(json.dumps(measurements, indent=1))
    else:
        print(json.dumps(measurements, indent=1))


if __name__ == "__main__":
    main()
