"""Order writes: create and edit drafts, record submission, reservations, holds and cancellation.

Each status change goes through the TRANSITIONS table and writes an event row in the same
transaction. The sequencing of stages (credit, then allocation) is in o2c/pipeline.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from inventory.models import Product, Warehouse
from o2c import locks
from o2c.errors import Conflict, DomainError
from o2c.money import ZERO, line_amounts, round_quantity
from o2c.numbering import sequence_number_next
from o2c.parsing import MAX_AMOUNT
from o2c.states import transition, transition_assert
from orders.models import OrderEvent, SalesOrder, SalesOrderLine

MAX_QUANTITY = Decimal("1000000000")  # 10^9 units on one line is a typo, not an order
MAX_LINES = 500


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None  # defaults to the product's list price
    discount_percent: Decimal = ZERO


def _event(order: SalesOrder, event: str, *, by=None, detail: str = "") -> None:
    """A step on the timeline that changes no status (status changes: o2c.states.transition)."""
    OrderEvent.objects.create(order=order, event=event, actor=by, detail=detail[:2000])


def _set_status(order: SalesOrder, target: str, *, event: str, by=None, detail: str = "") -> None:
    transition(
        order,
        target,
        by=by,
        reason=detail,
        event=event,
        update_fields=["fulfillment_status", "submitted_at"],
    )


def _resolve_customer(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise DomainError(f"customer {customer_id} does not exist", field="customer")
    return customer


def _resolve_currency(customer: Customer, currency: str | None) -> str:
    if currency and currency != customer.currency:
        raise DomainError(
            f"customer {customer.code} is billed in {customer.currency}, not {currency}", field="currency"
        )
    if customer.currency != settings.O2C_BASE_CURRENCY:
        # Exchange rates arrive with the multi-currency work; until then no rate exists for any date.
        raise DomainError(
            f"no exchange rate {customer.currency}/{settings.O2C_BASE_CURRENCY} is recorded for today",
            field="currency",
        )
    return customer.currency


def _resolve_warehouse(warehouse_id: int | None) -> Warehouse:
    if warehouse_id is not None:
        warehouse = Warehouse.objects.filter(pk=warehouse_id).first()
        if warehouse is None:
            raise DomainError(f"warehouse {warehouse_id} does not exist", field="warehouse")
        return warehouse
    warehouse = Warehouse.objects.order_by("pk").first()
    if warehouse is None:
        raise DomainError("no warehouse exists yet; create one first", field="warehouse")
    return warehouse


def _build_lines(order: SalesOrder, customer: Customer, lines: Sequence[LineInput]) -> list[SalesOrderLine]:
    if not lines:
        raise DomainError("an order needs at least one line", field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(f"an order has at most {MAX_LINES} lines", field="lines")
    products = Product.objects.in_bulk({line.product_id for line in lines})
    built = []
    for position, line in enumerate(lines, start=1):
        product = products.get(line.product_id)
        if product is None:
            raise DomainError(f"line {position}: product {line.product_id} does not exist", field="lines")
        if not product.active:
            raise DomainError(f"line {position}: product {product.sku} is no longer sold", field="lines")
        quantity = Decimal(line.quantity)
        if quantity <= 0:
            raise DomainError(f"line {position}: the quantity must be positive", field="lines")
        if quantity > MAX_QUANTITY:
            raise DomainError(f"line {position}: at most {MAX_QUANTITY} units per line", field="lines")
        if round_quantity(quantity) != quantity:
            raise DomainError(f"line {position}: quantities have at most 3 decimals", field="lines")
        discount = Decimal(line.discount_percent or 0)
        if not ZERO <= discount <= 100:
            raise DomainError(f"line {position}: the discount is between 0 and 100 %", field="lines")
        unit_price = product.unit_price if line.unit_price is None else Decimal(line.unit_price)
        if unit_price < 0:
            raise DomainError(f"line {position}: the unit price cannot be negative", field="lines")
        if unit_price > MAX_AMOUNT:
            raise DomainError(
                f"line {position}: the unit price is at most {MAX_AMOUNT}",
                field="lines",
                code="amount_too_large",
            )
        tax_rate = ZERO if customer.tax_exempt else product.tax_rate
        amounts = line_amounts(
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=tax_rate,
            currency=order.currency,
        )
        if amounts.total > MAX_AMOUNT:  # 10^9 units at 10^10 would overflow every column and sum
            raise DomainError(
                f"line {position}: the line total {amounts.total} is more than {MAX_AMOUNT}",
                field="lines",
                code="amount_too_large",
            )
        built.append(
            SalesOrderLine(
                order=order,
                position=position,
                product=product,
                description=product.name,
                is_stock=product.kind == Product.Kind.STOCK,
                quantity=quantity,
                unit_price=unit_price,
                discount_percent=discount,
                tax_rate=tax_rate,
                net_amount=amounts.net,
                tax_amount=amounts.tax,
                total_amount=amounts.total,
            )
        )
    total = sum((line.total_amount for line in built), ZERO)
    if total > MAX_AMOUNT:
        raise DomainError(
            f"the order total {total} is more than {MAX_AMOUNT}; split the order",
            field="lines",
            code="amount_too_large",
        )
    return built


def _store_lines(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    SalesOrderLine.objects.bulk_create(lines)
    order.net_total = sum((line.net_amount for line in lines), ZERO)
    order.tax_total = sum((line.tax_amount for line in lines), ZERO)
    order.total = order.net_total + order.tax_total
    order.save(update_fields=["net_total", "tax_total", "total"])


@transaction.atomic
def order_create(
    *,
    customer_id: int,
    lines: Sequence[LineInput],
    by=None,
    requested_delivery_date: date | None = None,
    customer_reference: str = "",
    ship_to: str | None = None,
    warehouse_id: int | None = None,
    currency: str | None = None,
) -> SalesOrder:
    """A draft order, its lines priced and rounded once each, its totals their sums."""
    customer = _resolve_customer(customer_id)
    today = timezone.localdate()
    if requested_delivery_date and requested_delivery_date < today:
        raise DomainError("the requested delivery date is in the past", field="requested_delivery_date")
    order = SalesOrder(
        customer=customer,
        warehouse=_resolve_warehouse(warehouse_id),
        currency=_resolve_currency(customer, currency),
        order_date=today,
        requested_delivery_date=requested_delivery_date,
        customer_reference=customer_reference,
        ship_to=customer.shipping_address if ship_to is None else ship_to,
        created_by=by,
    )
    lines_built = _build_lines(order, customer, lines)
    # Numbered once the input is valid: a refused order draws no number (docs/decisions/0022).
    order.number = sequence_number_next(series="order", on=today)
    order.save()
    _store_lines(order, lines_built)
    _event(order, "created", by=by, detail=f"{len(lines_built)} lines, total {order.total} {order.currency}")
    return order


_UNSET = object()


@transaction.atomic
def order_update(
    *,
    order_id: int,
    by=None,
    lines: Sequence[LineInput] | None = None,
    requested_delivery_date=_UNSET,
    customer_reference: str | None = None,
    ship_to: str | None = None,
    warehouse_id: int | None = None,
) -> SalesOrder:
    """Edit a draft; any other status is a 409."""
    order = locks.order_lock(order_id=order_id)
    if order.status != SalesOrder.Status.DRAFT:
        raise Conflict(
            f"order {order.number} is {order.get_status_display().lower()} and can no longer be edited"
        )
    changed = []
    if requested_delivery_date is not _UNSET:
        if requested_delivery_date and requested_delivery_date < timezone.localdate():
            raise DomainError("the requested delivery date is in the past", field="requested_delivery_date")
        order.requested_delivery_date = requested_delivery_date
        changed.append("requested delivery date")
    if customer_reference is not None:
        order.customer_reference = customer_reference
        changed.append("customer reference")
    if ship_to is not None:
        order.ship_to = ship_to
        changed.append("ship-to")
    if warehouse_id is not None:
        order.warehouse = _resolve_warehouse(warehouse_id)
        changed.append("warehouse")
    order.save()
    if lines is not None:
        new_lines = _build_lines(order, order.customer, lines)
        order.lines.all().delete()
        _store_lines(order, new_lines)
        changed.append("lines")
    _event(order, "edited", by=by, detail=", ".join(changed))
    return order


def order_check_submittable(*, order: SalesOrder) -> None:
    if order.status != SalesOrder.Status.DRAFT:
        raise Conflict(
            f"order {order.number} is {order.get_status_display().lower()} and cannot be submitted again"
        )


def order_mark_submitted(*, order: SalesOrder, approved: bool, reason: str, by=None) -> SalesOrder:
    order.submitted_at = timezone.now()
    target = SalesOrder.Status.OPEN if approved else SalesOrder.Status.ON_HOLD
    _set_status(order, target, event="approved" if approved else "credit_hold", by=by, detail=reason)
    return order


def order_release_hold(*, order: SalesOrder, note: str, by=None) -> SalesOrder:
    if order.status != SalesOrder.Status.ON_HOLD:
        raise Conflict(f"order {order.number} is not on hold")
    _set_status(order, SalesOrder.Status.OPEN, event="hold_released", by=by, detail=note)
    return order


def order_reject_hold(*, order: SalesOrder, note: str, by=None) -> SalesOrder:
    if order.status != SalesOrder.Status.ON_HOLD:
        raise Conflict(f"order {order.number} is not on hold")
    _set_status(order, SalesOrder.Status.CANCELLED, event="hold_rejected", by=by, detail=note)
    return order


def order_record_reservations(
    *, order: SalesOrder, reserved: dict[int, Decimal], by=None, event: str = "allocated"
) -> None:
    """Store what allocation reserved per line; the rest of each open stock line is backordered."""
    lines = list(order.lines.filter(is_stock=True).order_by("pk"))
    for line in lines:
        line.quantity_reserved += reserved.get(line.pk, ZERO)
        line.quantity_backordered = line.quantity - line.quantity_reserved - line.quantity_shipped
    SalesOrderLine.objects.bulk_update(lines, ["quantity_reserved", "quantity_backordered"])
    order.fulfillment_status = _fulfillment_status(lines)
    order.save(update_fields=["fulfillment_status"])
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


def order_cancel(*, order: SalesOrder, reason: str, released: dict[int, Decimal], by=None) -> SalesOrder:
    """Cancel after the pipeline released the reservations; refused once anything shipped."""
    order_check_cancellable(order=order)
    order.lines.update(quantity_reserved=ZERO, quantity_backordered=ZERO)
    order.fulfillment_status = SalesOrder.Fulfillment.UNALLOCATED
    detail = reason
    if released:
        detail += f" (released {sum(released.values(), ZERO)} reserved)"
    _set_status(order, SalesOrder.Status.CANCELLED, event="cancelled", by=by, detail=detail)
    return order


def order_check_cancellable(*, order: SalesOrder) -> None:
    if order.lines.filter(quantity_shipped__gt=0).exists():
        raise Conflict(f"order {order.number} has shipped goods and cannot be cancelled")
    transition_assert(order, SalesOrder.Status.CANCELLED)


def order_record_shipment(*, order: SalesOrder, shipped: dict[int, Decimal], reference: str, by=None) -> None:
    """Shipped quantities leave the reservation and count as shipped."""
    lines = list(order.lines.filter(pk__in=shipped).order_by("pk"))
    for line in lines:
        quantity = shipped[line.pk]
        if quantity > line.quantity_reserved:
            raise DomainError(
                f"line {line.position}: {quantity} to ship but only {line.quantity_reserved} allocated",
                field="lines",
            )
        line.quantity_reserved -= quantity
        line.quantity_shipped += quantity
    SalesOrderLine.objects.bulk_update(lines, ["quantity_reserved", "quantity_shipped"])
    order.fulfillment_status = _fulfillment_status(list(order.lines.filter(is_stock=True)))
    order.save(update_fields=["fulfillment_status"])
    _event(order, "shipped", by=by, detail=f"{reference}: {sum(shipped.values(), ZERO)} units")
    _complete_if_done(order, by=by)


def order_record_invoice(*, order: SalesOrder, invoiced: dict[int, Decimal], reference: str, by=None) -> None:
    """Invoiced quantities per line; the billing status follows."""
    lines = list(order.lines.order_by("pk"))
    for line in lines:
        line.quantity_invoiced += invoiced.get(line.pk, ZERO)
        if line.quantity_invoiced > line.quantity:
            raise DomainError(f"line {line.position} would be invoiced beyond its quantity", field="lines")
    SalesOrderLine.objects.bulk_update(lines, ["quantity_invoiced"])
    invoiced_lines = sum(1 for line in lines if line.quantity_invoiced >= line.quantity)
    if invoiced_lines == len(lines):
        order.billing_status = SalesOrder.Billing.INVOICED
    elif any(line.quantity_invoiced > 0 for line in lines):
        order.billing_status = SalesOrder.Billing.PARTIALLY_INVOICED
    order.save(update_fields=["billing_status"])
    _event(order, "invoiced", by=by, detail=reference)
    _complete_if_done(order, by=by)


def _complete_if_done(order: SalesOrder, *, by=None) -> None:
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
    by=None,
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
