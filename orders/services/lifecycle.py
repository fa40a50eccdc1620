"""The order's life after entry: submission, holds, reservations, shipments, invoices, payment
status, cancellation and lateness. The sequencing of stages is in o2c/pipeline/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO
from o2c.states import transition_assert
from orders.errors import OrderErrorCode
from orders.models import SalesOrder, SalesOrderLine
from orders.selectors import order_exposure, order_lines_of
from orders.services.events import event_record as _event
from orders.services.events import status_set as _set_status
from orders.services.exposure import exposure_follow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def order_check_submittable(*, order: SalesOrder) -> None:
    if order.status != SalesOrder.Status.DRAFT:
        raise Conflict(
            f"order {order.number} is {order.get_status_display().lower()} and cannot be submitted again",
            code=OrderErrorCode.ORDER_NOT_SUBMITTABLE,
        )


def order_mark_submitted(
    *,
    order: SalesOrder,
    approved: bool,
    reason: str,
    by: User | None = None,
    reserved: dict[int, Decimal] | None = None,
) -> SalesOrder:
    """Open (approved) or on hold. `reserved`: what allocation reserved per line just before, for
    an approved order (the stock rows locked and written first): its fulfillment status goes
    into the status's UPDATE, then the lines and the `allocated` event, as
    `order_record_reservations` would write them after."""
    order.submitted_at = timezone.now()
    target = SalesOrder.Status.OPEN if approved else SalesOrder.Status.ON_HOLD
    lines = _reservations_apply(order, reserved) if reserved is not None else None
    _set_status(order, target, event="approved" if approved else "credit_hold", by=by, detail=reason)
    # Submitted, then (when the credit check holds it) on hold: two happenings, two events.
    event_emit("order.submitted", order)
    if not approved:
        event_emit("order.on_hold", order, reason=reason)
    if lines is not None and reserved is not None:
        _reservations_store(order, lines, reserved, by=by, event="allocated")
    return order


def order_release_hold(*, order: SalesOrder, note: str, by: User | None = None) -> SalesOrder:
    if order.status != SalesOrder.Status.ON_HOLD:
        raise Conflict(f"order {order.number} is not on hold", code=OrderErrorCode.ORDER_NOT_ON_HOLD)
    _set_status(order, SalesOrder.Status.OPEN, event="hold_released", by=by, detail=note)
    event_emit("order.released", order, note=note)
    return order


def order_reject_hold(*, order: SalesOrder, note: str, by: User | None = None) -> SalesOrder:
    if order.status != SalesOrder.Status.ON_HOLD:
        raise Conflict(f"order {order.number} is not on hold", code=OrderErrorCode.ORDER_NOT_ON_HOLD)
    _set_status(order, SalesOrder.Status.CANCELLED, event="hold_rejected", by=by, detail=note)
    event_emit("order.cancelled", order, reason=note)
    return order


def order_record_reservations(
    *, order: SalesOrder, reserved: dict[int, Decimal], by: User | None = None, event: str = "allocated"
) -> None:
    """Store what allocation reserved per line; the rest of each open stock line is backordered."""
    lines = _reservations_apply(order, reserved)
    order.save(update_fields=["fulfillment_status"])
    _reservations_store(order, lines, reserved, by=by, event=event)


def _reservations_apply(order: SalesOrder, reserved: dict[int, Decimal]) -> list[SalesOrderLine]:
    """The stock lines and the order's fulfillment status with `reserved` added, in memory."""
    lines = sorted((line for line in order.lines.all() if line.is_stock), key=lambda line: line.pk)
    for line in lines:
        line.quantity_reserved += reserved.get(line.pk, ZERO)
        line.quantity_backordered = line.quantity - line.quantity_reserved - line.quantity_shipped
    order.fulfillment_status = _fulfillment_status(lines)
    return lines


def _reservations_store(
    order: SalesOrder,
    lines: list[SalesOrderLine],
    reserved: dict[int, Decimal],
    *,
    by: User | None,
    event: str,
) -> None:
    """The lines as `_reservations_apply` left them, and the timeline's row."""
    SalesOrderLine.objects.bulk_update(lines, ["quantity_reserved", "quantity_backordered"])
    got = sum(reserved.values(), ZERO)
    if got or event == "allocated":
        backordered = sum((line.quantity_backordered for line in lines), ZERO)
        _event(order, event, by=by, detail=f"reserved {got}, backordered {backordered}")


def _fulfillment_status(stock_lines: list[SalesOrderLine]) -> str:
    wanted = sum((line.quantity for line in stock_lines), ZERO)
    shipped = sum((line.quantity_shipped for line in stock_lines), ZERO)
    covered = shipped + sum((line.quantity_reserved for line in stock_lines), ZERO)
    if wanted and shipped >= wanted:
        return SalesOrder.Fulfillment.SHIPPED
    if shipped > 0:
        return SalesOrder.Fulfillment.PARTIALLY_SHIPPED
    if covered >= wanted:
        return SalesOrder.Fulfillment.ALLOCATED
    if covered > 0:
        return SalesOrder.Fulfillment.PARTIALLY_ALLOCATED
    return SalesOrder.Fulfillment.UNALLOCATED


def order_cancel(
    *, order: SalesOrder, reason: str, released: dict[int, Decimal], by: User | None = None
) -> SalesOrder:
    """Cancel after the pipeline released the reservations; refused once anything shipped."""
    order_check_cancellable(order=order)
    order.lines.update(quantity_reserved=ZERO, quantity_backordered=ZERO)
    order.fulfillment_status = SalesOrder.Fulfillment.UNALLOCATED
    detail = reason
    if released:
        detail += f" (released {sum(released.values(), ZERO)} reserved)"
    _set_status(order, SalesOrder.Status.CANCELLED, event="cancelled", by=by, detail=detail)
    event_emit("order.cancelled", order, reason=reason)
    return order


def order_check_cancellable(*, order: SalesOrder) -> None:
    if order.lines.filter(quantity_shipped__gt=0).exists():
        raise Conflict(
            f"order {order.number} has shipped goods and cannot be cancelled",
            code=OrderErrorCode.ORDER_NOT_CANCELLABLE,
        )
    transition_assert(order, SalesOrder.Status.CANCELLED)


def order_check_shippable(*, order: SalesOrder) -> None:
    """Goods ship only for an open order (not one on hold, cancelled or closed meanwhile)."""
    if order.status != SalesOrder.Status.OPEN:
        raise Conflict(
            f"order {order.number} is {order.status.replace('_', ' ')}; its goods cannot ship",
            code=KernelErrorCode.ORDER_NOT_SHIPPABLE,
        )


def order_record_shipment(
    *, order: SalesOrder, shipped: dict[int, Decimal], reference: str, by: User | None = None
) -> None:
    """Shipped quantities leave the reservation and count as shipped."""
    every = order_lines_of(order=order)
    lines = sorted((line for line in every if line.pk in shipped), key=lambda line: line.pk)
    for line in lines:
        quantity = shipped[line.pk]
        if quantity > line.quantity_reserved:
            raise DomainError(
                f"line {line.position}: {quantity} to ship but only {line.quantity_reserved} allocated",
                field="lines",
                code=OrderErrorCode.SHIP_EXCEEDS_ALLOCATED,
            )
        line.quantity_reserved -= quantity
        line.quantity_shipped += quantity
    SalesOrderLine.objects.bulk_update(lines, ["quantity_reserved", "quantity_shipped"])
    order.fulfillment_status = _fulfillment_status([line for line in every if line.is_stock])
    order.save(update_fields=["fulfillment_status"])
    _event(order, "shipped", by=by, detail=f"{reference}: {sum(shipped.values(), ZERO)} units")
    _complete_if_done(order, by=by)


def order_record_return(
    *, order: SalesOrder, returned: dict[int, Decimal], reference: str, by: User | None = None
) -> None:
    """Quantities received back on a return (the order header locked by the caller): never more
    than shipped less what came back before (the service here, a CHECK in the database)."""
    lines = list(order.lines.filter(pk__in=returned).order_by("pk"))
    for line in lines:
        line.quantity_returned += returned[line.pk]
        if line.quantity_returned > line.quantity_shipped:
            raise Conflict(
                f"line {line.position}: {line.quantity_returned} back but only {line.quantity_shipped} shipped",
                code=OrderErrorCode.ORDER_LINE_OVER_RETURNED,
            )
    SalesOrderLine.objects.bulk_update(lines, ["quantity_returned"])
    _event(order, "returned", by=by, detail=f"{reference}: {sum(returned.values(), ZERO)} units")


def order_record_invoice(
    *,
    order: SalesOrder,
    invoiced: dict[int, Decimal],
    amount: Decimal,
    reference: str,
    by: User | None = None,
) -> None:
    """Invoiced quantities per line and the invoice's gross `amount`; the billing status and the
    customer's kept exposure (the amount leaves the open orders value) follow."""
    before = order_exposure(order)
    order.amount_invoiced += amount
    lines = sorted(order_lines_of(order=order), key=lambda line: line.pk)
    for line in lines:
        line.quantity_invoiced += invoiced.get(line.pk, ZERO)
        if line.quantity_invoiced > line.quantity:
            raise DomainError(
                f"line {line.position} would be invoiced beyond its quantity",
                field="lines",
                code=OrderErrorCode.ORDER_LINE_OVER_INVOICED,
            )
    SalesOrderLine.objects.bulk_update(lines, ["quantity_invoiced"])
    invoiced_lines = sum(1 for line in lines if line.quantity_invoiced >= line.quantity)
    if invoiced_lines == len(lines):
        order.billing_status = SalesOrder.Billing.INVOICED
    elif any(line.quantity_invoiced > 0 for line in lines):
        order.billing_status = SalesOrder.Billing.PARTIALLY_INVOICED
    order.save(update_fields=["billing_status", "amount_invoiced"])
    exposure_follow(order, before=before)
    _event(order, "invoiced", by=by, detail=reference)
    _complete_if_done(order, by=by)


def _complete_if_done(order: SalesOrder, *, by: User | None = None) -> None:
    """An open order whose goods are all shipped and whose lines are all invoiced is fulfilled."""
    stock_done = (
        order.fulfillment_status == SalesOrder.Fulfillment.SHIPPED
        or not order.lines.filter(is_stock=True).exists()
    )
    if (
        order.status == SalesOrder.Status.OPEN
        and stock_done
        and order.billing_status == SalesOrder.Billing.INVOICED
    ):
        _set_status(order, SalesOrder.Status.FULFILLED, event="fulfilled", by=by)


def order_record_settlement(
    *,
    order: SalesOrder,
    invoiced_total: Decimal,
    open_balance: Decimal,
    settled: Decimal,
    on: date,
    by: User | None = None,
    reference: str = "",
) -> None:
    """The payment status from the order's invoices (their total, what is still open on them and
    what was paid, credited or written off) after a movement dated `on`; a fulfilled order fully
    settled is closed (`paid_on` = `on`), and reopened when a payment bounces."""
    # A fully invoiced order with nothing open is paid, free orders (total 0.00) included.
    if order.billing_status == SalesOrder.Billing.INVOICED and open_balance == 0:
        status = SalesOrder.Payment.PAID
    elif settled > 0:
        status = SalesOrder.Payment.PARTIALLY_PAID
    else:
        status = SalesOrder.Payment.UNPAID
    if status != order.payment_status:
        order.payment_status = status
        order.paid_on = on if status == SalesOrder.Payment.PAID else None
        order.save(update_fields=["payment_status", "paid_on"])
        _event(order, f"payment_{status}", by=by, detail=reference)
    if status == SalesOrder.Payment.PAID and order.status == SalesOrder.Status.FULFILLED:
        _set_status(order, SalesOrder.Status.CLOSED, event="closed", by=by, detail=reference)
        event_emit("order.closed", order)
    elif status != SalesOrder.Payment.PAID and order.status == SalesOrder.Status.CLOSED:
        _set_status(order, SalesOrder.Status.FULFILLED, event="reopened", by=by, detail=reference)


def orders_flag_late(*, today: date) -> int:
    """Open orders whose requested date has passed before everything shipped."""
    return (
        SalesOrder.objects.filter(
            status=SalesOrder.Status.OPEN,
            requested_delivery_date__lt=today,
            late=False,
        )
        .exclude(fulfillment_status=SalesOrder.Fulfillment.SHIPPED)
        .update(late=True)
    )
