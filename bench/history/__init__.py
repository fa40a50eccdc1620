"""Reporting at scale: generate years of order-to-cash history with COPY, then time the aging
report, DSO, the KPIs and the manager dashboard on it and show their plans.

    .venv/bin/python bench/history --customers 10000 --invoices 1000000 --years 3
    .venv/bin/python bench/history --keep --only-time        # time again on the kept database
    .venv/bin/python bench/history --keep --only-time --no-pages --no-jit

It (re)creates the scratch database `o2c_history` on the local PostgreSQL (the server of
BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432), migrates it with
`manage.py migrate`, and fills it through PostgreSQL COPY while a day-by-day simulation writes the
rows: customers, products, orders with one line each, their shipments with one line, invoices
with one line, credit notes, disputes, payments with their allocations, reversals, refunds and
write-offs, the open-item ledger rows of every movement, the order timeline and daily summary
journal entries. Each table streams to its own connection; every constraint, foreign key and
trigger stays on (the keys are deferred: a table commits after the tables it refers to). Every
row is written once with its final values (the protect triggers refuse later updates); invoice
and payment figures are the sums of their ledger rows, which `check()` verifies in SQL after the
load, with the aging total against the ledger on four dates. Then it runs VACUUM ANALYZE, times
each report and page (median of 5 runs after 1 warm-up) and prints EXPLAIN (ANALYZE, BUFFERS) of
the aging and DSO statements. With --keep or --only-time, new migrations are applied to the kept
database first.

The history (see docs/decisions/0019-history-generator.md): invoices on working days over `years`
years ending today with monthly seasonality and growth; customers of very different sizes on 14,
30 or 60 days' terms, each with a payment habit (prompt, steady, slow, erratic, bad), some paying in
weekly runs (one payment settling several invoices); a few percent disputed (credited, rejected,
withdrawn or still open), credited in part or in full, paid in two parts, bounced and paid again,
overpaid (some refunded), paid before being matched (applied days later), written off after
months, or still open and overdue.
"""

# Bump when a change to the generator changes what it writes: kept databases stamped with an older
# version are regenerated (bench/reports, make bench-data).
VERSION = 2
