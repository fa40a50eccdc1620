"""Fulfilment tasks: idempotent, take ids, call pipeline steps."""

from __future__ import annotations

from django.utils import timezone

from o2c import pipeline
from o2c.celery import app
from orders.selectors import backordered_quantities


@app.task(ignore_result=True)
def backorders_refill_all() -> int:
    """Safety net for allocation: stock that sits available while orders wait for it (a receipt
    that could not lock a waiting order) goes to those orders, oldest first."""
    pairs = sorted(backordered_quantities())
    for product_id, warehouse_id in pairs:
        pipeline.backorders_refill(product_id=product_id, warehouse_id=warehouse_id)
    return len(pairs)


@app.task(ignore_result=True)
def late_flags_refresh() -> tuple[int, int]:
    """Hourly: shipments past their estimated delivery, orders past their requested date."""
    return pipeline.late_flags_refresh(today=timezone.localdate())
