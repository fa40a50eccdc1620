"""Reports, pages and jobs on a big generated history (issue 14, items 5–7; BENCH_PROTOCOL.md).

    .venv/bin/python bench/reports --json OUT.json              # 1,000,000 invoices (kept database)
    .venv/bin/python bench/reports --json OUT.json --quick      # a 20,000-invoice smoke run
    .venv/bin/python bench/reports --json OUT.json --growth     # also 100,000 (and --ten-million)
    .venv/bin/python bench/reports --generate-only               # make bench-data: build the kept databases

The history is bench/history's (docs/decisions/0019-history-generator.md), in databases kept
between runs: `o2c_bench_history` (10,000 customers, 1,000,000 invoices over three years, the last
customer with 5,000 invoices that stay open), `o2c_bench_history_100k`, `o2c_bench_history_10m`,
`o2c_bench_history_quick`. A database is regenerated only when it is missing or its stamp (the
generator's VERSION and arguments, a COMMENT ON DATABASE) differs; otherwise new migrations are
applied to it. The scratch database of the harness (DATABASE_URL) is not used: the figures need
the history.

Each database is timed in a child process (Django in-process, DEBUG off, a manager logged in with
the test client): every case once to warm up, then `--runs` times (1 with --quick); the median
and the SQL statements of the last run are reported. Writes (the dunning run, the nightly
snapshot, the dashboard's snapshots) happen in a transaction that is rolled back, so the kept
database stays as generated.
"""
