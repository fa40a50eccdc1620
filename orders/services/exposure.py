"""What an order adds to its customer's exposure, and the one place that keeps the customer's
figure in step with it (customers' `CustomerExposure`, docs/decisions/0050).

An approved order (open, or fulfilled and not yet paid) counts with what of it is not invoiced
yet: its total less its invoices' gross. An order in draft, on hold, closed or cancelled counts
nothing. Every status change (events.status_set) and every invoice (lifecycle.order_record_invoice)
moves the kept figure by the difference, in the transaction of the change."""

from __future__ import annotations

from decimal import Decimal

from customers.services.exposure import exposure_move
from orders.models import SalesOrder
from orders.selectors import order_exposure


def exposure_follow(order: SalesOrder, *, before: Decimal) -> None:
    """Move the customer's kept open orders value by what the order's share changed since `before`."""
    delta = order_exposure(order) - before
    if delta:
        exposure_move(customer_id=order.customer_id, open_orders=delta)
