"""The order phase: entry, submission (credit check, then allocation), credit holds, and
cancellation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from credit import selectors as credit_selectors
from credit import services as credit
from fulfillment import services as fulfillment
from invoicing import selectors as invoicing_selectors
from o2c import locks
from o2c.pipeline.billing import invoice_issue
from o2c.pipeline.fulfilment import backorders_allocate
from o2c.states import event_rows_batched
from o2c.transactions import step
from orders import selectors as order_selectors
from orders import services as orders
from orders.models import SalesOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@step
def order_place(*, by: User | None, submit: bool = False, **fields: Any) -> SalesOrder:
    """A sales order from the order entry page or the API: a draft, submitted at once if asked
    (the draft was written in this transaction: no one else can see it, let alone lock it)."""
    with event_rows_batched():  # created, approved, allocated: one insert (decision 0068)
        order = orders.order_create(by=by, lock_customer=submit, **fields)
        if submit:
            _submit(order=order, by=by, customer_locked=True)
    return order


@step
def order_submit(*, order_id: int, by: User | None) -> SalesOrder:
    """Credit check (locks the customer), then allocation of what is in stock."""
    return _submit(order=locks.order_lock(order_id=order_id), by=by)


def _submit(*, order: SalesOrder, by: User | None, customer_locked: bool = False) -> SalesOrder:
    orders.order_check_submittable(order=order)
    decision = credit.credit_check(order=order, by=by, customer_locked=customer_locked)
    credit_selectors.decision_attach(order, decision)  # the answer shows it without reading it again
    if not decision.approved:
        orders.order_mark_submitted(order=order, approved=False, reason=decision.reason, by=by)
        return order
    # Approved: the stock is reserved first, so that the order's status and its fulfillment status
    # are written by one UPDATE (the order is locked already, or new and seen by no one else).
    _lines_read(order=order)
    reserved = fulfillment.order_allocate(order=order)
    orders.order_mark_submitted(order=order, approved=True, reason=decision.reason, by=by, reserved=reserved)
    _invoice_if_services_only(order=order, by=by)
    return order


def _lines_read(*, order: SalesOrder) -> None:
    """The lines are read once, here, and carried by the order to each step after the credit
    check (and to the answer); an order placed in this transaction carries them already."""
    if "lines" not in getattr(order, "_prefetched_objects_cache", {}):
        order_selectors.order_lines_load(order=order)


def _invoice_if_services_only(*, order: SalesOrder, by: User | None) -> None:
    quantities = invoicing_selectors.invoice_quantities_on_approval(order=order)
    if quantities:
        invoice_issue(order=order, quantities=quantities, by=by)


def _after_approval(*, order: SalesOrder, by: User | None) -> None:
    """Allocate the stock lines; an order of services only is invoiced at once."""
    _lines_read(order=order)
    orders.order_record_reservations(order=order, reserved=fulfillment.order_allocate(order=order), by=by)
    _invoice_if_services_only(order=order, by=by)


@transaction.atomic
def hold_release(*, order_id: int, note: str, by: User | None) -> SalesOrder:
    """Finance releases a credit hold; the order goes on to allocation."""
    order = locks.order_lock(order_id=order_id)
    # The customer before its kept exposure moves (the release counts the order in), as the
    # credit check takes it: never the kept row first and the customer after (decision 0050).
    locks.customer_lock(customer_id=order.customer_id)
    orders.order_release_hold(order=order, note=note, by=by)
    credit.credit_decide_manually(order=order, release=True, note=note, by=by)
    _after_approval(order=order, by=by)
    return order


@transaction.atomic
def hold_reject(*, order_id: int, note: str, by: User | None) -> SalesOrder:
    """Finance rejects a credit hold: the order is cancelled."""
    order = locks.order_lock(order_id=order_id)
    orders.order_reject_hold(order=order, note=note, by=by)
    credit.credit_decide_manually(order=order, release=False, note=note, by=by)
    return order


@step
def held_orders_recheck(
    *, customer_id: int, by: User | None = None, held_ids: list[int] | None = None
) -> list[SalesOrder]:
    """Check a customer's held orders again (after a payment); approved ones are allocated.
    `held_ids`: the held orders as the caller read them under the customer's lock, which it
    still holds (no order can go on hold meanwhile), oldest submission first."""
    approved = []
    if held_ids is None:
        held_ids = list(order_selectors.held_order_ids(customer_id=customer_id))
    locked = {
        order.pk: order for order in locks.orders_lock(order_ids=sorted(held_ids))
    }  # before the customer
    for order_id in held_ids:
        order = locked[order_id]
        if order.status != SalesOrder.Status.ON_HOLD:
            continue
        decision = credit.credit_check(order=order, by=by)
        if decision.approved:
            orders.order_release_hold(order=order, note=f"re-checked: {decision.reason}", by=by)
            orders.order_record_reservations(
                order=order, reserved=fulfillment.order_allocate(order=order), by=by
            )
            approved.append(order)
    return approved


@transaction.atomic
def order_cancel(*, order_id: int, reason: str, by: User | None) -> SalesOrder:
    """Release the reservations, cancel, and hand the freed stock to backorders oldest first;
    refused once anything has shipped."""
    order = order_selectors.order_list().get(pk=order_id)
    product_ids = order_selectors.reserved_product_ids(order_id=order_id)
    waiting = order_selectors.backordered_order_ids(product_ids=product_ids, warehouse_id=order.warehouse_id)
    locks.orders_lock(order_ids=sorted({order_id, *waiting}))  # one lock order with receipts
    order = locks.order_lock(order_id=order_id)
    orders.order_check_cancellable(order=order)
    fulfillment.shipments_cancel_open(order=order, reason=reason, by=by)
    # The customer in its place (before the stock): the cancellation moves its kept exposure, which
    # a credit check holding the customer may be about to move too (decision 0050).
    locks.customer_share_lock(customer_id=order.customer_id)
    released = fulfillment.order_deallocate(order=order)
    orders.order_cancel(order=order, reason=reason, released=released, by=by)
    for product_id in product_ids:
        backorders_allocate(
            product_id=product_id, warehouse_id=order.warehouse_id, order_ids=waiting - {order_id}, by=by
        )
    return order
