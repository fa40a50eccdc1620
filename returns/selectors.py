"""Return reads: the list, one return with its lines, events and related documents."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet, Sum

from o2c.money import ZERO
from returns.models import Return, ReturnEvent, ReturnLine

if TYPE_CHECKING:
    from orders.models import SalesOrder

STATUS = Return.Status


def return_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Return]:
    """Returns with their order, customer, warehouse, lines and credit notes (no N+1), and
    `line_total`, `unit_total` (announced) and `received_total`."""
    returns = (
        Return.objects.select_related("order", "customer", "warehouse", "created_by", "received_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related("product", "order_line").order_by("pk"),
            ),
            "credit_notes",
        )
        .annotate(
            line_total=Count("lines", distinct=True),
            unit_total=Sum("lines__quantity"),
            received_total=Sum("lines__quantity_received"),
        )
    )
    return returns.filter(**{key: value for key, value in (filters or {}).items() if value not in (None, "")})


def return_get(*, return_id: int) -> Return:
    """One return (Return.DoesNotExist when there is none)."""
    return return_list().get(pk=return_id)


def return_events(*, rma: Return) -> QuerySet[ReturnEvent]:
    return rma.events.select_related("actor").order_by("at", "pk")


def returns_of_order(*, order_id: int) -> QuerySet[Return]:
    return return_list(filters={"order_id": order_id})


def _pending_quantities(*, order: SalesOrder) -> dict[int, Decimal]:
    """Per order line: what requested (not yet received) returns announce."""
    rows = (
        ReturnLine.objects.filter(rma__order_id=order.pk, rma__status=STATUS.REQUESTED)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["order_line_id"]: row["total"] for row in rows}


def returnable_quantities(*, order: SalesOrder) -> dict[int, Decimal]:
    """Per shipped stock line of the order: shipped, less received back, less announced on
    requested returns. The order header is locked by a caller that acts on it."""
    pending = _pending_quantities(order=order)
    return {
        line.pk: line.quantity_shipped - line.quantity_returned - pending.get(line.pk, ZERO)
        for line in order.lines.filter(quantity_shipped__gt=0).order_by("pk")
    }
