"""Invoicing tasks: idempotent, call the app's services."""

from __future__ import annotations

from django.utils import timezone

from invoicing import services
from o2c.celery import app


@app.task(ignore_result=True)
def invoices_flag_overdue() -> int:
    """Nightly: invoices open after their due date become overdue (told once each)."""
    return services.invoices_flag_overdue(today=timezone.localdate())
