"""Collections tasks: the nightly check of promises to pay (Celery beat, "promises-check") and the
customers' risk scores (nightly, "risk-scores", and after each payment of a customer)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from o2c.celery import app
from receivables.collections import services


@app.task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError, ConnectionError))
def promises_check() -> dict[str, int]:
    """Kept and broken promises of today (safe to repeat: a settled promise is left alone)."""
    checked = services.promises_check()
    return {"kept": checked.kept, "broken": checked.broken}


@app.task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError, ConnectionError))
def risk_scores_refresh(customer_ids: list[int] | None = None) -> int:
    """Every customer's risk score stored again (nightly), or those of `customer_ids` (after a
    payment of theirs). Safe to repeat: each run writes the score as of today."""
    return services.risk_scores_refresh(customer_ids=customer_ids)
