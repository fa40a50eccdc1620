"""Gapless document numbers: `INV-2026-000001`.

django-sequences keeps one counter row per series and year and increments it with
`INSERT … ON CONFLICT DO UPDATE … RETURNING`, which locks that row until the caller's transaction
ends: a rolled-back transaction gives its number back, and two concurrent transactions never get
the same one. Take the number as late as possible in the transaction, since the row lock
serialises everyone who numbers documents of the same series and year.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from sequences import get_next_value

SERIES = {
    "order": "SO",
    "invoice": "INV",
    "credit_note": "CN",
    "payment": "PAY",
    "shipment": "SH",
    "journal": "JE",
}


def document_number_next(*, series: str, on: date) -> str:
    """The next number of `series` for the year of `on`; call it inside the creating transaction."""
    prefix = SERIES[series]
    if not connection.in_atomic_block:
        raise RuntimeError("document numbers are taken inside the transaction that saves the document")
    value = get_next_value(f"{series}-{on.year}")
    return f"{prefix}-{on.year}-{value:06d}"


# Orders and shipments need no legal gaplessness: a PostgreSQL sequence numbers them without
# serialising the transactions that create them (a rolled-back order leaves a hole, as in Saleor).
SEQUENCES = {"order": "o2c_order_number_seq", "shipment": "o2c_shipment_number_seq"}


def sequence_number_next(*, series: str, on: date) -> str:
    """The next number of a non-gapless series: `SO-2026-000123`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCES[series]])
        (value,) = cursor.fetchone()
    return f"{SERIES[series]}-{on.year}-{value:06d}"
