"""The cash phase: payments recorded, applied, reversed and refunded, from the clerk, a payment
provider's notification or a bank statement line; then the customer's held orders are checked
again, and once the transaction commits a worker stores the customer's risk score again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from inventory import services as inventory
from invoicing import selectors as invoicing_selectors
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.pipeline.billing import invoices_settle
from o2c.pipeline.order import held_orders_recheck
from o2c.transactions import whole_step
from orders import selectors as order_selectors
from receivables import services as receivables
from receivables.bank import services as bank_services
from receivables.cash import selectors as cash_selectors
from receivables.cash import services as cash
from receivables.cash.errors import CashErrorCode
from receivables.collections import services as collections
from receivables.collections import tasks as collections_tasks
from receivables.directdebit import services as direct_debit
from receivables.directdebit.return_codes import MANDATE_ENDING, reason_in_words
from receivables.models import BankStatementLine, DirectDebitItem, Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer
    from receivables.cash.allocation import Proposed


def _customer_cash_lock(
    *, customer_id: int, touches: Callable[[], Iterable[int]], recheck: bool = False
) -> tuple[Customer, list[int]]:
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
    held: list[int] = []
    for _ in range(10):  # each round waits for the step that moved the proposal to commit
        order_ids, _held = _cash_order_ids(customer_id=customer_id, invoice_ids=touches())
        with transaction.atomic():  # a savepoint: rolled back, it releases its row locks
            locks.orders_lock(order_ids=order_ids)
            try:
                customer = locks.customer_lock(customer_id=customer_id)
            except ObjectDoesNotExist:
                raise DomainError(
                    f"customer {customer_id} does not exist",
                    field="customer",
                    code=KernelErrorCode.DOES_NOT_EXIST,
                ) from None
            # Read under the customer's lock: no order of the customer can go on hold until commit.
            now, held = _cash_order_ids(customer_id=customer_id, invoice_ids=touches())
            if now <= order_ids:
                break
            transaction.set_rollback(True)
    else:
        raise Conflict(
            f"the orders of customer {customer_id} keep changing; try again",
            code=KernelErrorCode.CONCURRENT_CHANGE,
        )
    if recheck:
        for warehouse_id, product_ids in order_selectors.stock_products_by_warehouse(order_ids=held).items():
            inventory.stock_levels_lock(product_ids=product_ids, warehouse_id=warehouse_id)
    return customer, held  # and its held orders, read under its lock, oldest submission first


class _RiskRefresh:
    """The on-commit callback that asks a worker to store a customer's risk score again."""

    def __init__(self, customer_id: int):
        self.customer_id = customer_id

    def __call__(self) -> None:
        collections_tasks.risk_scores_refresh.delay([self.customer_id])


def _risk_refresh_after_commit(*, customer_id: int) -> None:
    """A payment moved the customer's history: its risk score is stored again by a worker after
    commit (never in the payment's transaction; once per customer and transaction; decision 0067)."""
    pending = transaction.get_connection().run_on_commit
    if any(
        isinstance(callback, _RiskRefresh) and callback.customer_id == customer_id
        for _, callback, _ in pending
    ):
        return
    transaction.on_commit(_RiskRefresh(customer_id), robust=True)


def _cash_order_ids(*, customer_id: int, invoice_ids: Iterable[int]) -> tuple[set[int], list[int]]:
    """The orders of `invoice_ids` and the customer's held orders (re-checked after a payment),
    and apart the held ones, oldest submission first: one statement."""
    ids = list(invoice_ids)
    return order_selectors.held_and_listed_order_ids(
        customer_id=customer_id,
        listed=invoicing_selectors.invoice_order_ids_query(invoice_ids=ids) if ids else None,
    )


@whole_step
def payment_record(
    *,
    customer_id: int,
    amount: Decimal | str,
    received_on: date,
    reference: str = "",
    method: str = Payment.Method.BANK_TRANSFER,
    allocations: list[cash.AllocationInput] | None = None,
    confirm_duplicate: bool = False,
    currency: str | None = None,
    source: str = Payment.Source.MANUAL,
    note: str = "",
    by: User | None = None,
) -> Payment:
    """A payment from a customer: applied as the clerk says, or automatically (invoice number in
    the reference first, then oldest due first); the rest stays unapplied cash. Postings, invoice
    balances and order payment status in one transaction; then the customer's held orders are
    checked again."""
    proposal: list[Proposed] = []

    def touches() -> set[int]:
        if allocations is not None:
            return {a.invoice_id for a in allocations}
        proposal[:] = cash_selectors.allocation_proposal(
            customer_id=customer_id,
            amount=receivables.amount_clean(amount),
            reference=reference,
            on=received_on,
        )
        return {item.invoice_id for item in proposal}

    customer, held = _customer_cash_lock(customer_id=customer_id, touches=touches, recheck=True)
    if allocations is None:  # the proposal made last, under the customer's lock
        allocations = [cash.AllocationInput(invoice_id=i, amount=a, reason=r) for i, a, r in proposal]
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
        customer=customer,
    )
    invoices_settle(
        invoices=invoices,
        on=payment.received_on,
        paid=cash_selectors.allocation_totals(rows),
        discounts=cash.cash_discounts_take(payment=payment, allocations=rows, invoices=invoices, by=by),
        reference=payment.number,
        by=by,
    )
    held_orders_recheck(customer_id=customer_id, by=by, held_ids=held)
    _risk_refresh_after_commit(customer_id=customer_id)
    return payment


@transaction.atomic
def payment_apply(
    *, payment_id: int, allocations: list[cash.AllocationInput], by: User | None = None
) -> Payment:
    """Apply a payment's unapplied cash to invoices."""
    customer_id = cash_selectors.payment_get(payment_id=payment_id).customer_id
    _customer_cash_lock(
        customer_id=customer_id, touches=lambda: {a.invoice_id for a in allocations}, recheck=True
    )
    invoices = {i.pk: i for i in locks.invoices_lock(invoice_ids=[a.invoice_id for a in allocations])}
    payment = locks.payment_lock(payment_id=payment_id)
    rows = cash.payment_apply(payment=payment, invoices=invoices, allocations=allocations, by=by)
    invoices_settle(
        invoices=invoices,
        on=timezone.localdate(),
        paid=cash_selectors.allocation_totals(rows),
        discounts=cash.cash_discounts_take(payment=payment, allocations=rows, invoices=invoices, by=by),
        reference=payment.number,
        by=by,
    )
    held_orders_recheck(customer_id=payment.customer_id, by=by)
    _risk_refresh_after_commit(customer_id=payment.customer_id)
    return payment


@transaction.atomic
def payment_reverse(*, payment_id: int, reason: str, by: User | None = None) -> Payment:
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
    discounted = cash.cash_discounts_reverse(payment=payment, by=by)  # before the payment's own
    back = cash.payment_reverse(payment=payment, reason=reason, by=by)
    invoices_settle(
        invoices=invoices,
        on=payment.reversed_on,  # type: ignore[arg-type]  # set by the reversal just made
        paid={i: -amount for i, amount in back.items()},
        discounts=cash.DiscountOutcome(taken={i: -amount for i, amount in discounted.items()}),
        reference=payment.number,
        by=by,
    )
    _risk_refresh_after_commit(customer_id=payment.customer_id)
    return payment


@transaction.atomic
def payment_refund(*, payment_id: int, amount: Decimal | str, reason: str, by: User | None = None) -> Payment:
    """Pay a payment's unapplied cash back to the customer."""
    payment = locks.payment_lock(payment_id=payment_id)
    return cash.payment_refund(payment=payment, amount=amount, reason=reason, by=by)


@transaction.atomic
def payment_notification_receive(*, event: dict[str, Any]) -> tuple[Payment, bool]:
    """A payment provider's signed event (the signature is checked by the view): recorded once
    by its id, applied automatically. Returns (the payment, True when this call recorded it)."""
    notification, created = cash.notification_claim(event_id=str(event.get("id") or ""), payload=event)
    if not created:
        if notification.payment is None:
            raise Conflict(
                f"event {notification.event_id} is being recorded", code=CashErrorCode.NOTIFICATION_IN_FLIGHT
            )
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
def bank_line_record(*, line_id: int, by: User | None = None) -> Payment | None:
    """A confirmed bank statement line becomes a payment applied as the clerk confirmed it, once:
    the line is locked first and a line already recorded is skipped (None)."""
    line = locks.bank_line_lock(line_id=line_id)
    if line.payment_id or line.status != line.Status.CONFIRMED:
        return None
    if line.match_reason == line.Reason.DIRECT_DEBIT:
        return _direct_debits_collected(line=line, by=by)
    if line.match_reason == line.Reason.DIRECT_DEBIT_RETURN:
        return _direct_debits_returned(line=line, by=by)
    payment = payment_record(
        customer_id=line.customer_id,  # type: ignore[arg-type]  # a confirmed line has its customer
        amount=line.amount,
        currency=line.currency,
        received_on=line.booking_date,
        reference=line.reference,
        method=Payment.Method.BANK_TRANSFER,
        allocations=[
            cash.AllocationInput(
                invoice_id=int(item["invoice"]),
                amount=Decimal(item["amount"]),
                reason=item.get("reason", ""),  # the match's reason; blank on lines matched before reasons
            )
            for item in line.allocations
        ],
        confirm_duplicate=True,  # the line's fingerprint, not the reference, identifies it
        source=Payment.Source.BANK_STATEMENT,
        note=f"bank statement {line.statement.file_name}, line {line.line_no}",
        by=by,
    )
    bank_services.bank_line_link_payment(line=line, payment=payment, by=by)
    return payment


def _direct_debits_collected(*, line: BankStatementLine, by: User | None) -> Payment | None:
    """A credit of direct-debit collections (receivables/directdebit/matching.py): a payment per
    collection, applied to its invoice, each collection settled by it. Returns the first."""
    invoice_ids = [int(item["invoice"]) for item in line.allocations]
    items = direct_debit.items_for_line(invoice_ids=invoice_ids, statuses=(DirectDebitItem.Status.PENDING,))
    if len(items) != len(invoice_ids) or sum(i.amount for i in items) != line.amount:
        raise Conflict(
            "the direct debits of this line are no longer all pending for its amount; match it by hand",
            code=KernelErrorCode.CONCURRENT_CHANGE,
        )
    where = f"bank statement {line.statement.file_name}, line {line.line_no}"
    payments = []
    for item in items:
        payment = payment_record(
            customer_id=item.customer_id,
            amount=item.amount,
            currency=item.currency,
            received_on=line.booking_date,
            reference=item.end_to_end_id,
            method=Payment.Method.DIRECT_DEBIT,
            allocations=[
                cash.AllocationInput(
                    invoice_id=item.invoice_id,
                    amount=item.amount,
                    reason=BankStatementLine.Reason.DIRECT_DEBIT,  # the allocation reason of the same name
                )
            ],
            confirm_duplicate=True,  # the end-to-end id identifies it
            source=Payment.Source.BANK_STATEMENT,
            note=f"direct debit {item.end_to_end_id}, {where}",
            by=by,
        )
        direct_debit.item_settle(item=item, payment=payment, on=line.booking_date, note=where, by=by)
        payments.append(payment)
    if len(payments) == 1:
        bank_services.bank_line_link_payment(line=line, payment=payments[0], by=by)
    else:
        bank_services.bank_line_recorded(
            line=line,
            note=f"recorded as {len(payments)} direct-debit payments: {', '.join(p.number for p in payments)}",
            by=by,
        )
    return payments[0]


def _direct_debits_returned(*, line: BankStatementLine, by: User | None) -> Payment | None:
    """A returned direct debit: each collection it names returned with the bank's reason (its
    payment reversed, so the invoice is open again), its mandate revoked when the reason ends it,
    and the customer on the collector's worklist today (a note with a follow-up today).
    Returns the last payment reversed (None when the debit came back before it was recorded)."""
    invoice_ids = [int(item["invoice"]) for item in line.allocations]
    items = direct_debit.items_for_line(
        invoice_ids=invoice_ids, statuses=(DirectDebitItem.Status.PENDING, DirectDebitItem.Status.SETTLED)
    )
    if not items:
        raise Conflict(
            "the direct debits this line returns are returned already or unknown",
            code=KernelErrorCode.CONCURRENT_CHANGE,
        )
    where = f"bank statement {line.statement.file_name}, line {line.line_no}"
    reversed_payment = None
    notes = []
    for item in items:
        words = reason_in_words(line.return_code)
        if item.payment_id is not None:
            reversed_payment = payment_reverse(
                payment_id=item.payment_id,
                reason=f"direct debit {item.end_to_end_id} returned: {words}",
                by=by,
            )
        direct_debit.item_return(item=item, code=line.return_code, on=line.booking_date, note=where, by=by)
        invoice_number = (
            invoicing_selectors.invoice_rows().values_list("number", flat=True).get(pk=item.invoice_id)
        )
        note = (  # the reason first: the worklist shows the first 80 characters
            f"Direct debit returned: {words}. {item.end_to_end_id} of {invoice_number} "
            f"({item.amount} {item.currency}); the invoice is open again"
            + ("; the mandate is revoked." if item.return_code in MANDATE_ENDING else ".")
        )
        collections.activity_log(
            customer_id=item.customer_id,
            kind="note",
            note=note,
            follow_up_on=timezone.localdate(),
            by=by,
        )
        notes.append(f"{item.end_to_end_id} {words}")
    bank_services.bank_line_recorded(line=line, note=f"direct debit returned: {'; '.join(notes)}", by=by)
    return reversed_payment
