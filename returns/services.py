"""Return writes: request a return of shipped lines, receive it (goods back in at the cost they
left at, damaged goods written off), cancel it. The credit notes of what came back and the
backorders the returned stock serves are sequenced by o2c/pipeline/returns.py.

Locks: the caller holds the order header, then the return (o2c/locks.py); the stock levels are
locked here in product order."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from fulfillment.selectors import shipped_unit_costs
from inventory.services import stock_levels_lock, stock_return
from invoicing.selectors import invoice_lines_billing
from ledger.services import LineSpec, journal_entry_post
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO, round_money, round_places, round_quantity
from o2c.numbering import sequence_number_next
from o2c.outbox import outbox_enqueue
from o2c.parsing import text_check
from o2c.states import transition, transition_assert
from returns.errors import ReturnErrorCode
from returns.models import Return, ReturnEvent, ReturnLine
from returns.selectors import returnable_quantities

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import CreditNote
    from orders.models import SalesOrder, SalesOrderLine

STATUS = Return.Status
RETURN_RECEIVED_EMAIL = "return_received_email"


@dataclass(frozen=True)
class ReturnLineInput:
    """An order line to return: how many, and whether it goes back on the shelf."""

    order_line_id: int
    quantity: Decimal
    restock: bool = True


@dataclass(frozen=True)
class CreditPart:
    """A quantity of one invoice line to credit for goods that came back."""

    invoice_id: int
    invoice_line_id: int
    quantity: Decimal


def return_create(
    *, order: SalesOrder, lines: list[ReturnLineInput], reason: str, by: User | None = None
) -> Return:
    """A return (RMA) of shipped lines of a locked order: never more of a line than shipped less
    what came back or is announced already."""
    reason = text_check(reason.strip(), field="reason")
    if not reason:
        raise DomainError("give the reason for the return", field="reason", code=KernelErrorCode.REQUIRED)
    if not lines:
        raise DomainError(
            "choose at least one line to return", field="lines", code=ReturnErrorCode.NOTHING_TO_RETURN
        )
    order_lines: dict[int, SalesOrderLine] = {line.pk: line for line in order.lines.order_by("pk")}
    returnable = returnable_quantities(order=order)
    wanted: dict[int, ReturnLineInput] = {}
    for item in lines:
        line = order_lines.get(item.order_line_id)
        if line is None or item.order_line_id not in returnable:
            raise DomainError(
                f"order line {item.order_line_id} is not a shipped line of {order.number}",
                field="lines",
                code=ReturnErrorCode.NOT_A_SHIPPED_LINE,
            )
        if item.order_line_id in wanted:
            raise DomainError(
                f"line {line.position} is named twice", field="lines", code=KernelErrorCode.INVALID
            )
        quantity = round_quantity(Decimal(item.quantity))
        if quantity <= 0:
            raise DomainError(
                f"line {line.position}: the quantity must be positive",
                field="lines",
                code=KernelErrorCode.NOT_POSITIVE,
            )
        if quantity > returnable[line.pk]:
            raise Conflict(
                f"line {line.position}: {quantity} to return but only {returnable[line.pk]} shipped and "
                "not yet returned",
                field="lines",
                code=ReturnErrorCode.RETURN_EXCEEDS_SHIPPED,
            )
        wanted[line.pk] = ReturnLineInput(line.pk, quantity, bool(item.restock))
    rma = Return.objects.create(
        number=sequence_number_next(series="return", on=timezone.localdate()),
        order_id=order.pk,
        customer_id=order.customer_id,
        warehouse_id=order.warehouse_id,
        reason=reason[:500],
        created_by=by,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(
            rma=rma,
            order_line_id=item.order_line_id,
            product_id=order_lines[item.order_line_id].product_id,
            quantity=item.quantity,
            restock=item.restock,
        )
        for item in wanted.values()
    )
    ReturnEvent.objects.create(
        rma=rma, event="requested", actor=by, to_status=STATUS.REQUESTED, detail=reason
    )
    return rma


def return_receive_goods(
    *, rma: Return, received: list[ReturnLineInput] | None = None, by: User | None = None
) -> dict[int, Decimal]:
    """Record what came back of a locked, requested return (`received`: per order line, the
    quantity and restock or damaged; by default everything announced, as announced): restocked
    goods back into stock at the cost they left at (Dr inventory / Cr cost of goods sold);
    damaged goods are written off, their cost stays in cost of goods sold. Returns the quantity
    received per order line (what the credit notes credit)."""
    transition_assert(rma, STATUS.RECEIVED)  # before any stock moves
    lines = list(rma.lines.select_related("product").order_by("product_id", "pk"))
    by_order_line = {line.order_line_id: line for line in lines}
    if received is None:
        received = [ReturnLineInput(line.order_line_id, line.quantity, line.restock) for line in lines]
    seen: set[int] = set()
    for item in received:
        line = by_order_line.get(item.order_line_id)
        if line is None:
            raise DomainError(
                f"order line {item.order_line_id} is not on {rma.number}",
                field="lines",
                code=ReturnErrorCode.NOT_A_SHIPPED_LINE,
            )
        if item.order_line_id in seen:
            raise DomainError("a line is named twice", field="lines", code=KernelErrorCode.INVALID)
        seen.add(item.order_line_id)
        quantity = round_quantity(Decimal(item.quantity))
        if quantity < 0:
            raise DomainError(
                "a quantity received is never negative", field="lines", code=KernelErrorCode.OUT_OF_RANGE
            )
        if quantity > line.quantity:
            raise DomainError(
                f"{line.product.sku}: {quantity} received but only {line.quantity} announced",
                field="lines",
                code=ReturnErrorCode.RECEIPT_EXCEEDS_RETURN,
            )
        line.quantity_received, line.restock = quantity, bool(item.restock)
    if not any(line.quantity_received > 0 for line in lines):
        raise DomainError(
            "nothing was received: enter the quantities that came back, or cancel the return",
            field="lines",
            code=ReturnErrorCode.NOTHING_RECEIVED,
        )
    costs = shipped_unit_costs(order_line_ids=list(by_order_line))
    restocked = [line for line in lines if line.restock and line.quantity_received > 0]
    levels = stock_levels_lock(
        product_ids=[line.product_id for line in restocked], warehouse_id=rma.warehouse_id
    )
    value = ZERO
    for line in lines:
        line.unit_cost = round_places(costs.get(line.order_line_id, line.product.standard_cost), 4)
        if line in restocked:
            stock_return(
                level=levels[line.product_id], quantity=line.quantity_received, reference=rma.number, by=by
            )
            value += line.quantity_received * line.unit_cost
    ReturnLine.objects.bulk_update(lines, ["quantity_received", "restock", "unit_cost"])
    value = round_money(value, settings.O2C_BASE_CURRENCY)
    if value > 0:
        journal_entry_post(
            entry_date=timezone.localdate(),
            memo=f"Goods returned to stock, {rma.number}",
            lines=[LineSpec(account="inventory", debit=value), LineSpec(account="cogs", credit=value)],
            source="return",
            source_reference=rma.number,
            by=by,
        )
    return {line.order_line_id: line.quantity_received for line in lines if line.quantity_received > 0}


def return_credit_parts(*, received: dict[int, Decimal]) -> list[CreditPart]:
    """What to credit for goods that came back: per order line, its quantity on the invoice lines
    that billed it, oldest invoice first, never more of an invoice line than is not yet credited."""
    billing = invoice_lines_billing(order_line_ids=list(received))
    parts: list[CreditPart] = []
    for order_line_id, quantity in sorted(received.items()):
        left = quantity
        for line_left in billing.get(order_line_id, []):
            take = min(left, line_left.quantity)
            if take > 0:
                parts.append(CreditPart(line_left.line.invoice_id, line_left.line.pk, take))
                left -= take
        if left > 0:
            raise Conflict(
                f"{left} of order line {order_line_id} came back but is not on an invoice left to credit",
                field="lines",
                code=ReturnErrorCode.NOT_INVOICED,
            )
    return parts


def return_mark_received(*, rma: Return, credit_notes: list[CreditNote], by: User | None = None) -> Return:
    """The return received, linked to its credit notes; `return.received` told, the customer
    e-mailed its RMA slip."""
    rma.received_at, rma.received_by = timezone.now(), by
    notes = ", ".join(note.number for note in credit_notes)
    transition(
        rma,
        STATUS.RECEIVED,
        by=by,
        reason=f"credited by {notes}" if notes else "",
        update_fields=["received_at", "received_by"],
    )
    rma.credit_notes.add(*credit_notes)
    event_emit("return.received", rma)
    outbox_enqueue(kind=RETURN_RECEIVED_EMAIL, payload={"return_id": rma.pk})
    return rma


def return_cancel(*, rma: Return, reason: str, by: User | None = None) -> Return:
    """A requested return that will not come (a locked return): its quantities are free again."""
    reason = text_check(reason.strip(), field="reason")
    if not reason:
        raise DomainError("give the reason for cancelling", field="reason", code=KernelErrorCode.REQUIRED)
    transition(rma, STATUS.CANCELLED, by=by, reason=reason)
    return rma
