"""The customer's kept exposure (`CustomerExposure`): moved by the movements that change it, set
again from the sums it stands for by the repair command (docs/decisions/0050)."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from customers.models import CustomerExposure
from o2c.money import ZERO_CENTS as ZERO

_MOVE = f"""
INSERT INTO {CustomerExposure._meta.db_table} AS kept (customer_id, open_receivables, open_orders)
VALUES (%s, %s, %s)
ON CONFLICT (customer_id) DO UPDATE
   SET open_receivables = kept.open_receivables + EXCLUDED.open_receivables,
       open_orders = kept.open_orders + EXCLUDED.open_orders
"""  # noqa: S608 (a table name, not input)


def exposure_move(*, customer_id: int, open_receivables: Decimal = ZERO, open_orders: Decimal = ZERO) -> None:
    """Add the deltas to the customer's kept figures in one statement (the row is made on the
    first movement). The caller's transaction holds a lock on the customer (exclusive: the credit
    check, a release, a payment; key share: a step inserting the customer's documents, a
    cancellation), and writes this row after the rows of every other kind it locks (o2c/locks.py)."""
    if not open_receivables and not open_orders:
        return
    with connection.cursor() as cursor:
        cursor.execute(_MOVE, [customer_id, open_receivables, open_orders])


def exposure_set(*, customer_id: int, open_receivables: Decimal, open_orders: Decimal) -> None:
    """Repair: the kept figures set to the sums (`manage.py credit_positions --fix`)."""
    CustomerExposure.objects.update_or_create(
        customer_id=customer_id,
        defaults={"open_receivables": open_receivables, "open_orders": open_orders},
    )
