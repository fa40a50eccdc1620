"""The order-to-cash process on one page.

Each step of the customer cycle is a short function that calls the stage services in order,
inside one transaction. Views, API views, commands and tasks call these steps (or their own
app's services), nothing deeper; stage apps never sequence other stages, and no step hides in a
Django signal.

Locks are always taken in the one order of o2c/locks.py, which keeps concurrent steps free of
deadlocks: order headers → shipments → the customer → invoices → payments → disputes → stock
levels → number series (primary-key order within each; stock levels in product order; the
document's series before the journal's). A step that would need a row of an earlier kind later
takes it up front: a cash step locks the orders of the invoices it settles and the customer's held
orders, then the customer, then the stock its held orders may allocate, then its invoices, and
only then takes numbers (`_customer_cash_lock`); a step on one invoice locks its order and
customer first (`_invoice_lock`); shipping holds the customer, the stock and the invoice series
before it posts the cost of the goods.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from credit import services as credit
from fulfillment import selectors as fulfillment_selectors
from fulfillment import services as fulfillment
from fulfillment.models import Shipment
from inventory import services as inventory
from inventory.models import StockMove
from invoicing import selectors as invoicing_selectors
from invoicing import services as invoicing
from invoicing.models import CreditNote
from ledger import services as ledger
from o2c import locks, numbering
from o2c.errors import Conflict, DomainError
from o2c.money import round_money
from orders import selectors as order_selectors
from orders import services as orders
from orders.models import SalesOrder
from receivables import selectors as receivables_selectors
from receivables import services as receivables
from receivables.bank import services as bank_services
from receivables.cash import selectors as cash_selectors
from receivables.cash import services as cash
from receivables.cash.allocation import allocation_propose
from receivables.disputes import selectors as dispute_selectors
from receivables.disputes import services as disputes
from receivables.models import Dispute, Payment, WriteOff


@transaction.atomic
def order_place(*, by, submit: bool = False, **fields) -> SalesOrder:
    """A sales order from the order entry page or the API: a draft, submitted at once if asked."""
    order = orders.order_create(by=by, **fields)
    if submit:
        return order_submit(order_id=order.pk, by=by)
    return order


@transaction.atomic
def order_submit(*, order_id: int, by) -> SalesOrder:
    """Credit check (locks the customer), then allocation of what is in stock."""
    order = locks.order_lock(order_id=order_id)
    orders.order_check_submittable(order=order)
    decision = credit.credit_check(order=order, by=by)
    orders.order_mark_submitted(order=order, approved=decision.approved, reason=decision.reason, by=by)
    if decision.approved:
        _after_approval(order=order, by=by)
    return order


def _after_approval(*, order: SalesOrder, by) -> None:
    """Allocate the stock lines; an order of services only is invoiced at once."""
    orders.order_record_reservations(order=order, reserved=fulfillment.order_allocate(order=order), by=by)
    if not order.lines.filter(is_stock=True).exists():
        _invoice(order=order, quantities={line.pk: line.quantity for line in order.lines.all()}, by=by)


def _invoice(*, order: SalesOrder, quantities: dict[int, Decimal], shipment=None, by) -> None:
    invoice = invoicing.invoice_create(order=order, quantities=quantities, shipment=shipment, by=by)
    receivables.receivable_record_invoice(invoice=invoice)
    orders.order_record_invoice(order=order, invoiced=quantities, reference=invoice.number, by=by)
    _orders_settle(order_ids=[order.pk], on=invoice.issue_date, reference=invoice.number, by=by)


@transaction.atomic
def hold_release(*, order_id: int, note: str, by) -> SalesOrder:
    """Finance releases a credit hold; the order goes on to allocation."""
    order = locks.order_lock(order_id=order_id)
    orders.order_release_hold(order=order, note=note, by=by)
    credit.credit_decide_manually(order=order, release=True, note=note, by=by)
    _after_approval(order=order, by=by)
    return order


@transaction.atomic
def hold_reject(*, order_id: int, note: str, by) -> SalesOrder:
    """Finance rejects a credit hold: the order is cancelled."""
    order = locks.order_lock(order_id=order_id)
    orders.order_reject_hold(order=order, note=note, by=by)
    credit.credit_decide_manually(order=order, release=False, note=note, by=by)
    return order


@transaction.atomic
def order_cancel(*, order_id: int, reason: str, by) -> SalesOrder:
    """Release the reservations, cancel, and hand the freed stock to backorders oldest first;
    refused once anything has shipped."""
    order = order_selectors.order_list().get(pk=order_id)
    product_ids = order_selectors.reserved_product_ids(order_id=order_id)
    waiting = _backordered_order_ids(product_ids=product_ids, warehouse_id=order.warehouse_id)
    locks.orders_lock(order_ids=sorted({order_id, *waiting}))  # one lock order with receipts
    order = locks.order_lock(order_id=order_id)
    orders.order_check_cancellable(order=order)
    fulfillment.shipments_cancel_open(order=order)
    released = fulfillment.order_deallocate(order=order)
    orders.order_cancel(order=order, reason=reason, released=released, by=by)
    for product_id in product_ids:
        _allocate_backorders(
            product_id=product_id, warehouse_id=order.warehouse_id, order_ids=waiting - {order_id}, by=by
        )
    return order


@transaction.atomic
def shipment_create(*, order_id: int, lines: dict[int, Decimal] | None = None, by) -> Shipment:
    """A pick list for what is allocated (all of it, or chosen lines and quantities)."""
    order = locks.order_lock(order_id=order_id)
    return fulfillment.shipment_create(order=order, lines=lines, by=by)


@transaction.atomic
def shipment_pack(*, shipment_id: int, by) -> Shipment:
    return fulfillment.shipment_pack(shipment=locks.shipment_lock(shipment_id=shipment_id), by=by)


@transaction.atomic
def shipment_ship(
    *, shipment_id: int, carrier: str, tracking_number: str = "", estimated_delivery=None, by
) -> Shipment:
    """Stock issue (and its cost), then the order's shipped quantities, then the invoice of what
    shipped (with the order's service lines on its first shipment) and its postings: one
    transaction."""
    order_id = fulfillment_selectors.shipment_get(shipment_id=shipment_id).order_id
    order = locks.order_lock(order_id=order_id)
    shipment = locks.shipment_lock(shipment_id=shipment_id)
    locks.customer_share_lock(customer_id=order.customer_id)  # the invoice's foreign key, in its place
    levels = inventory.stock_levels_lock(
        product_ids=shipment.lines.values_list("product_id", flat=True), warehouse_id=shipment.warehouse_id
    )
    numbering.number_series_hold(series="invoice", on=timezone.localdate())  # before the cost's JE
    if order.status != SalesOrder.Status.OPEN:
        raise Conflict(f"order {order.number} is {order.status.replace('_', ' ')}; its goods cannot ship")
    fulfillment.shipment_address_ensure(shipment=shipment, order=order)  # no address, no shipping
    shipped = fulfillment.shipment_issue_stock(shipment=shipment, levels=levels, by=by)
    orders.order_record_shipment(order=order, shipped=shipped, reference=shipment.number, by=by)
    services_to_bill = {
        line.pk: line.quantity - line.quantity_invoiced
        for line in order.lines.filter(is_stock=False)
        if line.quantity_invoiced < line.quantity
    }
    _invoice(order=order, quantities={**shipped, **services_to_bill}, shipment=shipment, by=by)
    return fulfillment.shipment_mark_shipped(
        shipment=shipment,
        carrier=carrier,
        tracking_number=tracking_number,
        estimated_delivery=estimated_delivery,
        by=by,
    )


@transaction.atomic
def shipment_deliver(*, shipment_id: int, delivered_at=None, by) -> Shipment:
    return fulfillment.shipment_deliver(
        shipment=locks.shipment_lock(shipment_id=shipment_id), delivered_at=delivered_at, by=by
    )


def late_flags_refresh(*, today) -> tuple[int, int]:
    """Flag shipments past their estimated delivery and orders past their requested date."""
    return fulfillment.shipments_flag_late(today=today), orders.orders_flag_late(today=today)


@transaction.atomic
def credit_note_issue(
    *,
    invoice_id: int,
    reason: str,
    lines=None,
    amount=None,
    dispute_id: int | None = None,
    confirm_unrelated: bool = False,
    by,
) -> CreditNote:
    """A credit note on an invoice: posted, numbered, delivered like an invoice; it enters the
    open-item ledger and the order's payment status follows. On an invoice with an open dispute
    it is linked to the dispute (which it resolves as credited; without lines or an amount it
    credits what the dispute names) or confirmed unrelated, so nobody is credited twice."""
    invoice = _invoice_lock(invoice_id=invoice_id)  # the invoice before its disputes
    if dispute_id is None:
        open_disputes = list(dispute_selectors.open_disputes(invoice_id=invoice_id))
        if open_disputes and not confirm_unrelated:
            listed = ", ".join(f"dispute {d.pk} for {d.amount}" for d in open_disputes)
            raise Conflict(
                f"the invoice has open disputes ({listed}): link the credit note to one, or confirm "
                "that it is unrelated",
                field="dispute",
                code="open_dispute",
            )
        return _credit_note(invoice=invoice, reason=reason, lines=lines, amount=amount, by=by)
    dispute = _dispute_open_locked(dispute_id=dispute_id, invoice_id=invoice_id)
    if lines is None and amount is None:
        lines, amount = _dispute_credit(dispute=dispute)
    note = _credit_note(invoice=invoice, reason=reason, lines=lines, amount=amount, by=by)
    disputes.dispute_close(
        dispute=dispute,
        outcome=Dispute.Status.CREDITED,
        note=f"credited by {note.number}",
        credit_note=note,
        by=by,
    )
    return note


def _credit_note(*, invoice, reason: str, lines, amount, by) -> CreditNote:
    """A credit note on `invoice`, locked by the caller (`_invoice_lock`)."""
    note = invoicing.credit_note_create(invoice=invoice, reason=reason, lines=lines, amount=amount, by=by)
    receivables.receivable_record_credit_note(credit_note=note)
    _orders_settle(order_ids=[note.invoice.order_id], on=note.issue_date, reference=note.number, by=by)
    return note


def _dispute_open_locked(*, dispute_id: int, invoice_id: int) -> Dispute:
    """An open dispute of the invoice, locked (after the invoice)."""
    if not dispute_selectors.dispute_list().filter(pk=dispute_id, invoice_id=invoice_id).exists():
        raise DomainError(f"dispute {dispute_id} is not a dispute of this invoice", field="dispute")
    dispute = locks.dispute_lock(dispute_id=dispute_id)
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(
            f"dispute {dispute.pk} is already {dispute.get_status_display().lower()}", field="dispute"
        )
    return dispute


def _dispute_credit(*, dispute: Dispute) -> tuple[list | None, Decimal | None]:
    """What a credit note resolving `dispute` credits: the lines it names at their own tax rates
    (capped, from the last line back, at what is still open on the invoice), or its plain amount
    split over the invoice's tax rates (decision record 0026)."""
    balance = dispute.invoice.balance
    if balance <= 0:
        raise Conflict(f"{dispute.invoice.number} is settled; there is nothing left to credit")
    named = list(dispute.lines.order_by("pk"))
    if not named:
        return None, min(dispute.amount, balance)
    total = sum((line.amount for line in named), Decimal("0"))
    if total <= balance:
        return [
            invoicing.CreditLineInput(line.invoice_line_id, quantity=line.quantity)
            if line.quantity is not None
            else invoicing.CreditLineInput(line.invoice_line_id, amount=line.amount)
            for line in named
        ], None
    result, over = [], total - balance
    for line in reversed(named):
        cut = min(over, line.amount)
        over -= cut
        if line.amount - cut > 0:
            result.append(invoicing.CreditLineInput(line.invoice_line_id, amount=line.amount - cut))
    return list(reversed(result)), None


def dispute_credit_note_reason(*, dispute: Dispute, customer_message: str = "") -> str:
    """The customer-facing reason of a credit note resolving a dispute: a neutral reference (the
    dispute's id and reason category) and the message meant for the customer, never the internal
    notes."""
    message = (customer_message or dispute.customer_message).strip()
    return f"Dispute {dispute.pk} ({dispute.get_reason_display().lower()})" + (
        f": {message}" if message else ""
    )


# ── cash ─────────────────────────────────────────────────────────────────────────────────────────


def _customer_cash_lock(*, customer_id: int, touches, recheck: bool = False) -> None:
    """Everything a cash step of a customer may touch, in the lock order: the orders of the
    invoices it settles (`touches()`, their ids) and the customer's held orders, then the
    customer, then (with `recheck`) the stock its held orders would allocate. The invoices come
    after, from the step itself.

    The orders are read before they are locked; `touches()` is asked again once the customer is
    locked, and when it names an order not locked yet (a proposal that moved, an order put on hold
    meanwhile) the savepoint gives the locks back and it starts again. Once the customer is
    locked exclusively, no invoice, write-off, credit note or dispute of the customer can be
    written until commit (each takes the customer's key share first), so a proposal made then
    stays true, and the customer's other open invoices need no lock."""
    for _ in range(10):  # each round waits for the step that moved the proposal to commit
        order_ids = _cash_order_ids(customer_id=customer_id, invoice_ids=touches())
        with transaction.atomic():  # a savepoint: rolled back, it releases its row locks
            locks.orders_lock(order_ids=order_ids)
            try:
                locks.customer_lock(customer_id=customer_id)
            except ObjectDoesNotExist:
                raise DomainError(f"customer {customer_id} does not exist", field="customer") from None
            if _cash_order_ids(customer_id=customer_id, invoice_ids=touches()) <= order_ids:
                break
            transaction.set_rollback(True)
    else:
        raise Conflict(f"the orders of customer {customer_id} keep changing; try again")
    if recheck:
        held = order_selectors.order_list(
            filters={"customer_id": customer_id, "status": SalesOrder.Status.ON_HOLD}
        ).values_list("pk", flat=True)
        for warehouse_id, product_ids in order_selectors.stock_products_by_warehouse(order_ids=held).items():
            inventory.stock_levels_lock(product_ids=product_ids, warehouse_id=warehouse_id)


def _cash_order_ids(*, customer_id: int, invoice_ids) -> set[int]:
    """The orders of `invoice_ids` and the customer's held orders (re-checked after a payment)."""
    return set(
        invoicing_selectors.invoice_rows().filter(pk__in=list(invoice_ids)).values_list("order_id", flat=True)
    ) | set(
        order_selectors.order_list(
            filters={"customer_id": customer_id, "status": SalesOrder.Status.ON_HOLD}
        ).values_list("pk", flat=True)
    )


def _invoice_lock(*, invoice_id: int):
    """An invoice in the lock order: its order, its customer (KEY SHARE: what the write-off's or
    credit note's foreign key takes), then the invoice."""
    row = invoicing_selectors.invoice_rows().filter(pk=invoice_id).values("order_id", "customer_id").first()
    if row is not None:
        locks.order_lock(order_id=row["order_id"])
        locks.customer_share_lock(customer_id=row["customer_id"])
    return locks.invoice_lock(invoice_id=invoice_id)


def _orders_settle(*, order_ids, on: date, reference: str, by) -> None:
    """The payment status of the orders whose invoices were settled (closed when fully paid)."""
    order_ids = sorted(set(order_ids))
    figures = invoicing_selectors.order_settlements(order_ids=order_ids)
    for order in locks.orders_lock(order_ids=order_ids):
        orders.order_record_settlement(order=order, **figures[order.pk], on=on, reference=reference, by=by)


def _settle(
    *, invoices: dict, on: date, paid: dict[int, Decimal] | None = None, written_off=None, reference: str, by
) -> None:
    """Invoice balances and statuses (movements dated `on`), then their orders' payment status."""
    touched, on_orders = set(), on
    for invoice_id in {*(paid or {}), *(written_off or {})}:
        on_orders = max(on_orders, invoices[invoice_id].issue_date)  # never before the invoice
    for invoice_id, amount in (paid or {}).items():
        invoicing.invoice_settle(invoice=invoices[invoice_id], paid=amount, on=on)
        touched.add(invoices[invoice_id].order_id)
    for invoice_id, amount in (written_off or {}).items():
        invoicing.invoice_settle(invoice=invoices[invoice_id], written_off=amount, on=on)
        touched.add(invoices[invoice_id].order_id)
    if touched:
        _orders_settle(order_ids=touched, on=on_orders, reference=reference, by=by)


@transaction.atomic
def payment_record(
    *,
    customer_id: int,
    amount,
    received_on,
    reference: str = "",
    method: str = Payment.Method.BANK_TRANSFER,
    allocations: list[cash.AllocationInput] | None = None,
    confirm_duplicate: bool = False,
    currency: str | None = None,
    source: str = Payment.Source.MANUAL,
    note: str = "",
    by=None,
) -> Payment:
    """A payment from a customer: applied as the clerk says, or automatically (invoice number in
    the reference first, then oldest due first); the rest stays unapplied cash. Postings, invoice
    balances and order payment status in one transaction; then the customer's held orders are
    checked again."""
    proposal: list = []

    def touches() -> set[int]:
        if allocations is not None:
            return {a.invoice_id for a in allocations}
        proposal[:] = allocation_propose(
            invoices=receivables_selectors.open_items_of(customer_id=customer_id),
            amount=receivables.amount_clean(amount),
            reference=reference,
        )
        return {invoice_id for invoice_id, _ in proposal}

    _customer_cash_lock(customer_id=customer_id, touches=touches, recheck=True)
    if allocations is None:  # the proposal made last, under the customer's lock
        allocations = [cash.AllocationInput(invoice_id=i, amount=a) for i, a in proposal]
    invoices = {i.pk: i for i in locks.invoices_lock(invoice_ids={a.invoice_id for a in allocations})}
    payment, rows = cash.payment_create(
        customer_id=customer_id,
        amount=amount,
        method=method,
        reference=reference,
        received_on=received_on,
        invoices=invoices,
        allocations=allocations,
        currency=currency,
        confirm_duplicate=confirm_duplicate,
        source=source,
        note=note,
        by=by,
    )
    _settle(
        invoices=invoices, on=payment.received_on, paid=_per_invoice(rows), reference=payment.number, by=by
    )
    held_orders_recheck(customer_id=customer_id, by=by)
    return payment


def _per_invoice(allocations) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for allocation in allocations:
        totals[allocation.invoice_id] = totals.get(allocation.invoice_id, Decimal("0")) + allocation.amount
    return totals


@transaction.atomic
def payment_apply(*, payment_id: int, allocations: list[cash.AllocationInput], by=None) -> Payment:
    """Apply a payment's unapplied cash to invoices."""
    customer_id = cash_selectors.payment_get(payment_id=payment_id).customer_id
    _customer_cash_lock(
        customer_id=customer_id, touches=lambda: {a.invoice_id for a in allocations}, recheck=True
    )
    invoices = {i.pk: i for i in locks.invoices_lock(invoice_ids=[a.invoice_id for a in allocations])}
    payment = locks.payment_lock(payment_id=payment_id)
    rows = cash.payment_apply(payment=payment, invoices=invoices, allocations=allocations, by=by)
    _settle(
        invoices=invoices, on=timezone.localdate(), paid=_per_invoice(rows), reference=payment.number, by=by
    )
    held_orders_recheck(customer_id=payment.customer_id, by=by)
    return payment


@transaction.atomic
def payment_reverse(*, payment_id: int, reason: str, by=None) -> Payment:
    """A bounced payment: its allocations undone, its postings reversed, invoices reopened."""
    known = cash_selectors.payment_get(payment_id=payment_id)
    allocated: set[int] = set()

    def touches() -> set[int]:  # asked again under the customer's lock, so an application is seen
        allocated.clear()
        allocated.update(known.allocations.values_list("invoice_id", flat=True))
        return allocated

    _customer_cash_lock(customer_id=known.customer_id, touches=touches)
    invoices = {i.pk: i for i in locks.invoices_lock(invoice_ids=allocated)}
    payment = locks.payment_lock(payment_id=payment_id)
    back = cash.payment_reverse(payment=payment, reason=reason, by=by)
    _settle(
        invoices=invoices,
        on=payment.reversed_on,
        paid={i: -amount for i, amount in back.items()},
        reference=payment.number,
        by=by,
    )
    return payment


@transaction.atomic
def payment_refund(*, payment_id: int, amount, reason: str, by=None) -> Payment:
    """Pay a payment's unapplied cash back to the customer."""
    payment = locks.payment_lock(payment_id=payment_id)
    return cash.payment_refund(payment=payment, amount=amount, reason=reason, by=by)


@transaction.atomic
def write_off(*, invoice_id: int, amount, reason: str, by) -> WriteOff:
    """A manager writes off a balance that will not be collected (Dr bad debt / Cr receivables)."""
    invoice = _invoice_lock(invoice_id=invoice_id)
    written = cash.write_off_create(invoice=invoice, amount=amount, reason=reason, by=by)
    _settle(
        invoices={invoice.pk: invoice},
        on=written.written_off_on,
        written_off={invoice.pk: written.amount},
        reference=invoice.number,
        by=by,
    )
    return written


@transaction.atomic
def dispute_open(
    *,
    invoice_id: int,
    amount=None,
    reason: str,
    note: str = "",
    customer_message: str = "",
    lines: list[disputes.DisputeLineInput] | None = None,
    owner=None,
    by,
) -> Dispute:
    """A customer contests invoice lines (or a plain amount of the invoice): that part leaves
    dunning and shows apart in aging."""
    invoice = _invoice_lock(invoice_id=invoice_id)
    return disputes.dispute_open(
        invoice=invoice,
        amount=amount,
        reason=reason,
        note=note,
        customer_message=customer_message,
        lines=lines,
        owner=owner,
        by=by,
    )


@transaction.atomic
def dispute_resolve(
    *, dispute_id: int, outcome: str, note: str = "", customer_message: str = "", by
) -> Dispute:
    """Close a dispute: by a credit note for the disputed lines at their own tax rates (or the
    plain disputed amount; at most what is still open on the invoice), or rejected, or withdrawn
    by the customer. `note` is internal; the credit note says only the dispute's reference and
    the customer-facing message."""
    invoice_id = dispute_selectors.dispute_list().values_list("invoice_id", flat=True).get(pk=dispute_id)
    invoice = _invoice_lock(invoice_id=invoice_id)
    dispute = locks.dispute_lock(dispute_id=dispute_id)
    if outcome not in (
        Dispute.Status.CREDITED,
        "credit_note",
        Dispute.Status.REJECTED,
        Dispute.Status.WITHDRAWN,
    ):
        raise DomainError("outcome must be credit_note, rejected or withdrawn", field="outcome")
    if dispute.status != Dispute.Status.OPEN:
        raise Conflict(f"dispute {dispute.pk} is already {dispute.get_status_display().lower()}")
    credit_note = None
    if outcome in (Dispute.Status.CREDITED, "credit_note"):
        outcome = Dispute.Status.CREDITED
        lines, amount = _dispute_credit(dispute=dispute)
        credit_note = _credit_note(
            invoice=invoice,
            reason=dispute_credit_note_reason(dispute=dispute, customer_message=customer_message),
            lines=lines,
            amount=amount,
            by=by,
        )
    return disputes.dispute_close(dispute=dispute, outcome=outcome, note=note, credit_note=credit_note, by=by)


@transaction.atomic
def payment_notification_receive(*, event: dict) -> tuple[Payment, bool]:
    """A payment provider's signed event (the signature is checked by the view): recorded once
    by its id, applied automatically. Returns (the payment, True when this call recorded it)."""
    notification, created = cash.notification_claim(event_id=str(event.get("id") or ""), payload=event)
    if not created:
        if notification.payment is None:
            raise Conflict(f"event {notification.event_id} is being recorded")
        return notification.payment, False
    payment = payment_record(
        customer_id=event["customer"],
        amount=event["amount"],
        currency=event.get("currency"),
        reference=event.get("reference", ""),
        received_on=date.fromisoformat(event["received_on"]),
        method=Payment.Method.OTHER,
        confirm_duplicate=True,  # the provider's event id, not the reference, identifies it
        source=Payment.Source.NOTIFICATION,
        note=f"provider event {notification.event_id}",
    )
    cash.notification_link(notification=notification, payment=payment)
    return payment, True


@transaction.atomic
def held_orders_recheck(*, customer_id: int, by=None) -> list[SalesOrder]:
    """Check a customer's held orders again (after a payment); approved ones are allocated."""
    approved = []
    held = order_selectors.order_list(
        filters={"customer_id": customer_id, "status": SalesOrder.Status.ON_HOLD}
    )
    held_ids = list(held.order_by("submitted_at", "pk").values_list("pk", flat=True))
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
def stock_receive(
    *, product_id: int, warehouse_id: int, quantity: Decimal, reference: str = "", by=None
) -> StockMove:
    """Goods in at standard cost (Dr inventory / Cr goods received), then backorders are
    allocated oldest order first."""
    waiting = _backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id)
    locked = {order.pk for order in locks.orders_lock(order_ids=sorted(waiting))}
    move = inventory.stock_receive(
        product_id=product_id, warehouse_id=warehouse_id, quantity=quantity, reference=reference, by=by
    )
    value = round_money(move.quantity * move.product.standard_cost)
    if value > 0:
        ledger.journal_entry_post(
            entry_date=timezone.localdate(move.created_at),
            memo=f"Receipt of {move.quantity} × {move.product.sku}"
            + (f" ({reference})" if reference else ""),
            lines=[
                ledger.LineSpec(account="inventory", debit=value),
                ledger.LineSpec(account="goods_received", credit=value),
            ],
            source="stock_receipt",
            source_reference=reference[:60],
            by=by,
        )
    _allocate_backorders(product_id=product_id, warehouse_id=warehouse_id, order_ids=locked, by=by)
    return move


@transaction.atomic
def backorders_refill(*, product_id: int, warehouse_id: int, by=None) -> None:
    """Give stock that sits available to waiting backorders (run periodically as a safety net)."""
    waiting = _backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id)
    locked = {order.pk for order in locks.orders_lock(order_ids=sorted(waiting))}
    _allocate_backorders(product_id=product_id, warehouse_id=warehouse_id, order_ids=locked, by=by)


def _backordered_order_ids(*, product_ids: list[int], warehouse_id: int) -> set[int]:
    """Open orders waiting for any of `product_ids`: their headers are locked before any stock."""
    return {
        line.order_id
        for product_id in product_ids
        for line in order_selectors.backordered_lines(product_id=product_id, warehouse_id=warehouse_id)
    }


def _allocate_backorders(*, product_id: int, warehouse_id: int, order_ids: set[int], by) -> None:
    """Available stock to backorders, oldest order first. `order_ids` were locked before the
    stock; orders that went into backorder since are taken too when their header is free
    (SKIP LOCKED keeps the lock order safe); one held elsewhere waits for the periodic
    `backorders_refill`."""
    late = _backordered_order_ids(product_ids=[product_id], warehouse_id=warehouse_id) - order_ids
    if late:
        order_ids = order_ids | {
            order.pk for order in locks.orders_lock(order_ids=sorted(late), skip_locked=True)
        }
    if not order_ids:
        return
    allocated = fulfillment.backorders_allocate(
        product_id=product_id, warehouse_id=warehouse_id, order_ids=sorted(order_ids)
    )
    for order in locks.orders_lock(order_ids=sorted(allocated)):
        orders.order_record_reservations(
            order=order, reserved=allocated[order.pk], by=by, event="backorder_allocated"
        )


@transaction.atomic
def bank_line_record(*, line_id: int, by=None) -> Payment | None:
    """A confirmed bank statement line becomes a payment applied as the clerk confirmed it, once:
    the line is locked first and a line already recorded is skipped (None)."""
    line = locks.bank_line_lock(line_id=line_id)
    if line.payment_id or line.status != line.Status.CONFIRMED:
        return None
    payment = payment_record(
        customer_id=line.customer_id,
        amount=line.amount,
        currency=line.currency,
        received_on=line.booking_date,
        reference=line.reference,
        method=Payment.Method.BANK_TRANSFER,
        allocations=[
            cash.AllocationInput(invoice_id=int(item["invoice"]), amount=Decimal(item["amount"]))
            for item in line.allocations
        ],
        confirm_duplicate=True,  # the line's fingerprint, not the reference, identifies it
        source=Payment.Source.BANK_STATEMENT,
        note=f"bank statement {line.statement.file_name}, line {line.line_no}",
        by=by,
    )
    bank_services.bank_line_link_payment(line=line, payment=payment)
    return payment
