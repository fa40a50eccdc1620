"""Collections tasks: the nightly check of promises to pay (Celery beat, "promises-check")."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from receivables.collections import services


@app.task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError, ConnectionError))
def promises_check() -> dict[str, int]:
    """Kept and broken promises of today (safe to repeat: a settled promise is left alone)."""
    checked = services.promises_check()
    return {"kept": checked.kept, "broken": checked.broken}
