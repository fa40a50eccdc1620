"""The quotation phase (lead to cash begins here): an accepted quotation becomes the order, and
the order goes through the credit check as any other (decision 0053)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from o2c.pipeline.order import order_place, order_submit
from orders import services as orders
from quotations import services as quotations

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from orders.models import SalesOrder


@transaction.atomic
def quotation_accept(*, quotation_id: int, by: User | None, via: str = "") -> SalesOrder:
    """Lock the quotation (before any order: o2c/locks.py), make its order at the quoted prices
    (each line keeps where its price came from), mark the quotation accepted, then submit the
    order: the credit check decides `open` or `on_hold`. `via` says how (the customer portal)."""
    quotation = quotations.quotation_lock_for_accept(quotation_id=quotation_id)
    today = timezone.localdate()
    requested = quotation.requested_delivery_date
    order = order_place(
        by=by,
        submit=False,
        customer_id=quotation.customer_id,
        currency=quotation.currency,
        warehouse_id=quotation.warehouse_id,
        requested_delivery_date=requested if requested and requested >= today else None,
        customer_reference=quotation.customer_reference,
        ship_to=quotation.ship_to,
        lines=[
            orders.LineInput(
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                price_source=line.price_source,
            )
            for line in quotation.lines.all()
        ],
    )
    quotations.quotation_mark_accepted(quotation=quotation, order=order, by=by, via=via)
    return order_submit(order_id=order.pk, by=by)
