"""The order's event rows and its status changes: one status change goes through the TRANSITIONS
table and writes its event row in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from o2c.states import transition_check
from orders.models import TRANSITIONS, OrderEvent, SalesOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def event_record(
    order: SalesOrder, event: str, *, by: User | None = None, from_status: str = "", detail: str = ""
) -> None:
    OrderEvent.objects.create(
        order=order,
        event=event,
        actor=by,
        from_status=from_status,
        to_status=order.status if from_status else "",
        detail=detail[:2000],
    )


def status_set(
    order: SalesOrder, target: str, *, event: str, by: User | None = None, detail: str = ""
) -> None:
    transition_check(label=f"order {order.number}", current=order.status, target=target, allowed=TRANSITIONS)
    previous = order.status
    order.status = target
    order.save(update_fields=["status", "fulfillment_status", "submitted_at"])
    event_record(order, event, by=by, from_status=previous, detail=detail)
