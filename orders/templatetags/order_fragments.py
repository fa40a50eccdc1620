"""Fragments of order data that pages of lower layers include: the customer page (master data,
which imports no stage) shows a customer's open orders with `{% customer_open_orders customer %}`."""

from __future__ import annotations

from django import template
from django.urls import reverse

from orders.models import SalesOrder
from orders.selectors import order_list

register = template.Library()

OPEN_ORDER_STATUSES = [SalesOrder.Status.DRAFT, SalesOrder.Status.ON_HOLD, SalesOrder.Status.OPEN]


@register.inclusion_tag("orders/_customer_open_orders.html")
def customer_open_orders(customer) -> dict:
    """The customer's draft, held and open orders, latest first, each with its page."""
    orders = order_list(filters={"customer_id": customer.pk, "status__in": OPEN_ORDER_STATUSES}).order_by(
        "-order_date", "-pk"
    )
    return {"open_orders": [(order, reverse("orders:detail", args=[order.pk])) for order in orders]}
