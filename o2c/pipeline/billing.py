"""Billing: the invoice of what an order delivers, credit notes, and what a settlement changes
(invoice balances, then their orders' payment status). The other phases call these helpers; the
one step here is `credit_note_issue`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from invoicing import selectors as invoicing_selectors
from invoicing import services as invoicing
from ledger.rates.convert import is_base
from o2c import locks
from o2c.money import ZERO
from orders import services as orders
from receivables import selectors as receivables_selectors
from receivables import services as receivables
from receivables.cash import selectors as cash_selectors
from receivables.cash.services import DiscountOutcome, credit_note_on_account
from receivables.disputes import selectors as dispute_selectors
from receivables.disputes import services as disputes
from receivables.models import Dispute

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from fulfillment.models import Shipment
    from invoicing.models import CreditNote, Invoice
    from orders.models import SalesOrder
    from receivables.models import Payment


def invoice_issue(
    *, order: SalesOrder, quantities: dict[int, Decimal], shipment: Shipment | None = None, by: User | None
) -> None:
    """Invoice `quantities` of the order's lines: the invoice, its open item, the order's invoiced
    quantities and payment status."""
    invoice = invoicing.invoice_create(order=order, quantities=quantities, shipment=shipment, by=by)
    receivables.receivable_record_invoice(invoice=invoice)
    orders.order_record_invoice(
        order=order, invoiced=quantities, amount=invoice.total, reference=invoice.number, by=by
    )
    orders_settle(
        order_ids=[order.pk], on=invoice.issue_date, reference=invoice.number, by=by, locked={order.pk: order}
    )


def invoice_lock(*, invoice_id: int) -> Invoice:
    """An invoice in the lock order: its order, its customer (KEY SHARE: what the write-off's or
    credit note's foreign key takes), then the invoice."""
    row = invoicing_selectors.invoice_parties(invoice_id=invoice_id)
    if row is not None:
        if row["order_id"] is not None:  # an opening invoice (imported) has no order
            locks.order_lock(order_id=row["order_id"])
        locks.customer_share_lock(customer_id=row["customer_id"])
    return locks.invoice_lock(invoice_id=invoice_id)


def invoice_payments_lock(*, invoice_ids: Iterable[int]) -> dict[int, Payment]:
    """The payments applied to these invoices (locked: invoices first, then payments), which a
    credit note beyond the open balance gives money back to (decision 0063)."""
    payment_ids = cash_selectors.payments_applied_to(invoice_ids=invoice_ids)
    return {payment.pk: payment for payment in locks.payments_lock(payment_ids=payment_ids)}


def orders_settle(
    *,
    order_ids: Iterable[int | None],
    on: date,
    reference: str,
    by: User | None,
    locked: dict[int, SalesOrder] | None = None,
) -> None:
    """The payment status of the orders whose invoices were settled (closed when fully paid); an
    opening invoice (imported, no order: None) has none to follow. `locked`: orders the caller
    holds locked and has in hand, every change of this transaction made through that object
    (they are not read again)."""
    order_ids = sorted({order_id for order_id in order_ids if order_id is not None})
    if not order_ids:
        return
    figures = invoicing_selectors.order_settlements(order_ids=order_ids)
    locked = locked or {}
    missing = [order_id for order_id in order_ids if order_id not in locked]
    in_order = (
        {**locked, **{order.pk: order for order in locks.orders_lock(order_ids=missing)}}
        if missing
        else locked
    )
    for order_id in order_ids:
        order = in_order[order_id]
        orders.order_record_settlement(order=order, **figures[order.pk], on=on, reference=reference, by=by)


def invoices_settle(
    *,
    invoices: dict[int, Invoice],
    on: date,
    paid: dict[int, Decimal] | None = None,
    written_off: dict[int, Decimal] | None = None,
    discounts: DiscountOutcome | None = None,
    reference: str,
    by: User | None,
) -> None:
    """Invoice balances and statuses (movements dated `on`), then their orders' payment status.
    `discounts`: the cash discounts the payment took (negative when reversed) and their notes."""
    touched, on_orders = set(), on
    discounts = discounts or DiscountOutcome()
    moved = {*(paid or {}), *(written_off or {})}
    for invoice_id in moved:
        on_orders = max(on_orders, invoices[invoice_id].issue_date)  # never before the invoice
    # a foreign invoice's base balance: its open-item rows' (just written) base amounts (0062)
    foreign = [pk for pk in sorted(moved) if not is_base(invoices[pk].currency)]
    bases = receivables_selectors.invoice_base_balances(invoice_ids=foreign) if foreign else {}
    for invoice_id, amount in (paid or {}).items():
        invoicing.invoice_settle(
            invoice=invoices[invoice_id],
            balance_base=bases.get(invoice_id, ZERO),
            paid=amount,
            discounted=discounts.taken.get(invoice_id, ZERO),
            discount_note=discounts.notes.get(invoice_id),
            on=on,
            reference=reference,
            by=by,
        )
        touched.add(invoices[invoice_id].order_id)
    for invoice_id, amount in (written_off or {}).items():
        invoicing.invoice_settle(
            invoice=invoices[invoice_id],
            balance_base=bases.get(invoice_id, ZERO),
            written_off=amount,
            on=on,
            reference=reference,
            by=by,
        )
        touched.add(invoices[invoice_id].order_id)
    if touched:
        orders_settle(order_ids=touched, on=on_orders, reference=reference, by=by)


@transaction.atomic
def credit_note_issue(
    *,
    invoice_id: int,
    reason: str,
    lines: list[invoicing.CreditLineInput] | None = None,
    amount: Decimal | None = None,
    dispute_id: int | None = None,
    confirm_unrelated: bool = False,
    by: User | None,
) -> CreditNote:
    """A credit note on an invoice: posted, numbered, delivered like an invoice; it enters the
    open-item ledger and the order's payment status follows. On an invoice with an open dispute
    it is linked to the dispute (which it resolves as credited; without lines or an amount it
    credits what the dispute names) or confirmed unrelated, so nobody is credited twice."""
    invoice = invoice_lock(invoice_id=invoice_id)  # the invoice, its payments, then its disputes
    payments = invoice_payments_lock(invoice_ids=[invoice_id])
    if dispute_id is None:
        disputes.disputes_check_none_open(invoice_id=invoice_id, confirm_unrelated=confirm_unrelated)
        return credit_note_create(
            invoice=invoice, reason=reason, lines=lines, amount=amount, payments=payments, by=by
        )
    disputes.dispute_check_of_invoice(dispute_id=dispute_id, invoice_id=invoice_id)
    dispute = locks.dispute_lock(dispute_id=dispute_id)  # after the invoice
    disputes.dispute_check_open(dispute=dispute, field="dispute")
    if lines is None and amount is None:
        lines, amount = dispute_credit(dispute=dispute)
    note = credit_note_create(
        invoice=invoice, reason=reason, lines=lines, amount=amount, payments=payments, by=by
    )
    disputes.dispute_close(
        dispute=dispute,
        outcome=Dispute.Status.CREDITED,
        note=f"credited by {note.number}",
        credit_note=note,
        by=by,
    )
    return note


def credit_note_create(
    *,
    invoice: Invoice,
    reason: str,
    lines: list[invoicing.CreditLineInput] | None,
    amount: Decimal | None,
    payments: dict[int, Payment],
    by: User | None,
) -> CreditNote:
    """A credit note on `invoice`, locked by the caller (`invoice_lock`) with the payments applied
    to it (`invoice_payments_lock`): the note, its open item, the part beyond the open balance
    back to those payments as the customer's unapplied cash, the order's payment status. The one
    path of every credit note: by hand, resolving a dispute, receiving a return."""
    note = invoicing.credit_note_create(invoice=invoice, reason=reason, lines=lines, amount=amount, by=by)
    receivables.receivable_record_credit_note(credit_note=note)
    credit_note_on_account(credit_note=note, payments=payments, by=by)
    orders_settle(order_ids=[note.invoice.order_id], on=note.issue_date, reference=note.number, by=by)
    return note


def dispute_credit(*, dispute: Dispute) -> tuple[list[invoicing.CreditLineInput] | None, Decimal | None]:
    """What a credit note resolving `dispute` credits (receivables/disputes decides), as the credit note's
    lines or amount."""
    credit = dispute_selectors.dispute_credit(dispute=dispute)
    if credit.lines is None:
        return None, credit.amount
    return [
        invoicing.CreditLineInput(line.invoice_line_id, quantity=line.quantity, amount=line.amount)
        for line in credit.lines
    ], None
