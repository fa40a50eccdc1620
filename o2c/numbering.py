"""Gapless document numbers: `INV-2026-000001`.

django-sequences keeps one counter row per series and year and increments it with
`INSERT … ON CONFLICT DO UPDATE … RETURNING`, which locks that row until the caller's transaction
ends: a rolled-back transaction gives its number back, and two concurrent transactions never get
the same one. Take the number as late as possible in the transaction, since the row lock
serialises everyone who numbers documents of the same series and year.

The counter rows of the current and the next year exist ahead of time (`number_series_ensure`:
the data migration 0004, `seed_demo` and the nightly beat task `number_series_prepare`), so the
first document of a year updates a row instead of inserting it: two transactions inserting the
same new key wait on each other's whole transaction, outside the lock order of o2c/locks.py.
A series that is missing all the same (a document dated in a year not prepared) is still
created by its first number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.apps import apps
from django.apps.registry import Apps
from django.db import connection
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from sequences import get_next_value

from o2c import locks

SERIES = {
    "order": "SO",
    "quotation": "QT",
    "invoice": "INV",
    "opening_invoice": "OB",  # an open invoice carried over from a previous system (imports)
    "credit_note": "CN",
    "payment": "PAY",
    "shipment": "SH",
    "return": "RMA",
    "journal": "JE",
    "direct_debit_run": "DD",
}


GAPLESS = ("invoice", "credit_note", "payment", "journal")


def series_name(*, series: str, year: int) -> str:
    """The counter row of a gapless series and year: `invoice-2026`."""
    return f"{series}-{year}"


def number_series_ensure(
    *, years: Iterable[int], series: Iterable[str] = GAPLESS, registry: Apps = apps
) -> int:
    """Create the counter rows of the gapless `series` for `years` that do not exist yet, at 0 (the
    first number is 1); rows that exist are left as they are. Safe to repeat and to run beside
    transactions that take numbers. Returns how many rows were created."""
    counter = registry.get_model("sequences", "Sequence")
    names = sorted({series_name(series=name, year=year) for name in series for year in years})
    existing = set(counter.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [counter(name=name, last=0) for name in names if name not in existing]
    counter.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def number_series_prepare(*, today: date, registry: Apps = apps) -> int:
    """The series of this year and the next: what the migration, the beat task and `seed_demo`
    run."""
    return number_series_ensure(years=[today.year, today.year + 1], registry=registry)


def number_series_hold(*, series: str, on: date) -> None:
    """Lock the counter row of `series` for the year of `on` now, without taking a number: a step
    that posts a journal entry before it numbers its document holds the document's series first
    (the order of o2c/locks.py: document series before the journal's)."""
    name = series_name(series=series, year=on.year)
    if locks.number_series_lock(names=[name]):  # the row exists (prepared ahead): one statement
        return
    number_series_ensure(years=[on.year], series=[series])
    locks.number_series_lock(names=[name])


def document_number_next(*, series: str, on: date) -> str:
    """The next number of `series` for the year of `on`; call it inside the creating transaction."""
    prefix = SERIES[series]
    if not connection.in_atomic_block:
        raise RuntimeError("document numbers are taken inside the transaction that saves the document")
    value = get_next_value(series_name(series=series, year=on.year))
    return f"{prefix}-{on.year}-{value:06d}"


# Orders and shipments need no legal gaplessness: a PostgreSQL sequence numbers them without
# serialising the transactions that create them (a rolled-back order leaves a hole, as in Saleor).
SEQUENCES = {
    "order": "o2c_order_number_seq",
    "quotation": "o2c_quotation_number_seq",  # quotations/migrations/0001
    "shipment": "o2c_shipment_number_seq",
    "return": "o2c_return_number_seq",  # created by returns' first migration
    "direct_debit_run": "o2c_direct_debit_run_number_seq",  # receivables/migrations/0014
}


def sequence_number_drawn(*, series: str, on: date) -> RawSQL:
    """`sequence_number_next` as an SQL expression, for the INSERT that stores the number: the
    number is drawn by that statement (no `SELECT nextval` of its own) and read back from its
    RETURNING, so the column's field must be returned by inserts (`db_returning`, as
    `o2c.models.DrawnNumberField`). The same text: `SO-2026-000123`, wider past 999,999."""
    return RawSQL(
        "(SELECT %s || lpad(v::text, greatest(6, length(v::text)), '0') FROM nextval(%s) AS v)",
        [f"{SERIES[series]}-{on.year}-", SEQUENCES[series]],
        output_field=CharField(),
    )


def sequence_number_next(*, series: str, on: date) -> str:
    """The next number of a non-gapless series: `SO-2026-000123`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCES[series]])
        (value,) = cursor.fetchone()
    return f"{SERIES[series]}-{on.year}-{value:06d}"
