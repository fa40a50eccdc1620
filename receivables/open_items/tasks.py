"""Open-item tasks: the nightly compaction of the aging rollup (Celery beat, "aging-rollup-compact")."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from receivables.open_items.rollup import rollup_compact


@app.task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError, ConnectionError))
def aging_rollup_compact() -> int:
    """Merge the day's rollup rows per key (the sums stay the same; safe to repeat); returns the
    rows written."""
    return rollup_compact()
