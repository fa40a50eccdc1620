"""The order's event rows and its status changes: a status change goes through the order's
TRANSITIONS table (o2c.states.transition), which writes its event row in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from o2c.states import event_row_write, transition
from orders.models import OrderEvent, SalesOrder
from orders.selectors import order_exposure
from orders.services.exposure import exposure_follow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def event_record(order: SalesOrder, event: str, *, by: User | None = None, detail: str = "") -> None:
    """A step on the timeline that changes no status (status changes: `status_set`)."""
    event_row_write(OrderEvent(order=order, event=event, actor=by, detail=detail[:2000]))


def status_set(
    order: SalesOrder, target: str, *, event: str, by: User | None = None, detail: str = ""
) -> None:
    """The status change with its event row, and the customer's kept exposure moved by what the
    order's share changed (approved: it counts; closed, cancelled, held: it no longer does)."""
    before = order_exposure(order)
    transition(
        order,
        target,
        by=by,
        reason=detail,
        event=event,
        update_fields=["fulfillment_status", "submitted_at"],
    )
    exposure_follow(order, before=before)
