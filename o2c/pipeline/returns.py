"""Returns: a customer sends shipped goods back (RMA); receiving them restocks what is sound,
writes off what is damaged, credits what came back on the invoices that billed it, and gives the
restocked goods to waiting backorders, in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from inventory import services as inventory
from invoicing import selectors as invoicing_selectors
from invoicing import services as invoicing
from o2c import locks, numbering
from o2c.pipeline.billing import credit_note_create, invoice_payments_lock
from o2c.pipeline.fulfilment import backorders_allocate
from orders import selectors as order_selectors
from orders import services as orders
from returns import selectors as return_selectors
from returns import services as returns

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from invoicing.models import CreditNote
    from returns.models import Return


@transaction.atomic
def return_request(
    *, order_id: int, lines: list[returns.ReturnLineInput], reason: str, by: User | None
) -> Return:
    """A return of shipped lines, checked against what shipped and came back under the order's
    lock (two returns of one line are announced one after the other)."""
    order = locks.order_lock(order_id=order_id)
    return returns.return_create(order=order, lines=lines, reason=reason, by=by)


@transaction.atomic
def return_receive(
    *, return_id: int, lines: list[returns.ReturnLineInput] | None = None, by: User | None
) -> Return:
    """What came back: restocked goods into stock at the cost they left at (and out of cost of
    goods sold), damaged goods written off, the order's returned quantities, a credit note per
    invoice that billed the goods, then backorders served from the returned stock.

    Locks in the order of o2c/locks.py: the order and the orders waiting for the products (one
    pk-ordered batch), the return, the customer (key share), the invoices, their payments (a credit
    beyond an invoice's balance goes back to them: decision 0063), the stock levels, the
    credit-note series (before the journal's, which the cost entry takes first)."""
    header = return_selectors.return_get(return_id=return_id)
    product_ids = sorted({line.product_id for line in header.lines.all()})
    order_line_ids = [line.order_line_id for line in header.lines.all()]
    waiting = order_selectors.backordered_order_ids(product_ids=product_ids, warehouse_id=header.warehouse_id)
    locked = {order.pk: order for order in locks.orders_lock(order_ids=sorted(waiting | {header.order_id}))}
    order = locked[header.order_id]
    rma = locks.return_lock(return_id=return_id)
    locks.customer_share_lock(customer_id=order.customer_id)
    billing = invoicing_selectors.invoice_lines_billing(order_line_ids=order_line_ids)
    invoice_ids = {left.line.invoice_id for lefts in billing.values() for left in lefts}
    invoices = {invoice.pk: invoice for invoice in locks.invoices_lock(invoice_ids=invoice_ids)}
    payments = invoice_payments_lock(invoice_ids=invoice_ids)  # a credit beyond the balance (0063)
    inventory.stock_levels_lock(product_ids=product_ids, warehouse_id=rma.warehouse_id)
    numbering.number_series_hold(series="credit_note", on=timezone.localdate())

    received = returns.return_receive_goods(rma=rma, received=lines, by=by)
    orders.order_record_return(order=order, returned=received, reference=rma.number, by=by)
    for product_id in sorted({line.product_id for line in rma.lines.all() if line.restock}):
        backorders_allocate(
            product_id=product_id,
            warehouse_id=rma.warehouse_id,
            order_ids={order_id for order_id in locked if order_id in waiting},
            by=by,
        )
    notes: list[CreditNote] = []
    by_invoice: dict[int, list[invoicing.CreditLineInput]] = {}
    for part in returns.return_credit_parts(received=received):
        by_invoice.setdefault(part.invoice_id, []).append(
            invoicing.CreditLineInput(part.invoice_line_id, quantity=part.quantity)
        )
    for invoice_id, credit_lines in sorted(by_invoice.items()):
        invoice = invoices.get(invoice_id) or locks.invoice_lock(invoice_id=invoice_id)
        notes.append(
            credit_note_create(
                invoice=invoice,
                reason=f"Return {rma.number}: {rma.reason}",
                lines=credit_lines,
                amount=None,
                payments=payments,
                by=by,
            )
        )
    return returns.return_mark_received(rma=rma, credit_notes=notes, by=by)


@transaction.atomic
def return_cancel(*, return_id: int, reason: str, by: User | None) -> Return:
    header = return_selectors.return_get(return_id=return_id)
    locks.order_lock(order_id=header.order_id)
    return returns.return_cancel(rma=locks.return_lock(return_id=return_id), reason=reason, by=by)
