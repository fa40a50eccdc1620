"""Quotation tasks: idempotent, call services."""

from __future__ import annotations

from o2c.celery import app
from quotations import services


@app.task(ignore_result=True)
def quotations_expire() -> int:
    """Nightly: quotations not accepted by their date become expired (safe to repeat)."""
    return services.quotations_expire()
