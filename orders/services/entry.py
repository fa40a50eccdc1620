"""Order entry: create and edit drafts (lines priced, checked and stored)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from customers.selectors import customer_get
from inventory.errors import InventoryErrorCode
from inventory.selectors import products_by_id, warehouse_list
from ledger.rates.convert import document_rate
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import ZERO, line_amounts, round_quantity
from o2c.numbering import sequence_number_drawn
from o2c.parsing import MAX_AMOUNT
from o2c.transactions import step
from orders.errors import OrderErrorCode
from orders.models import SalesOrder, SalesOrderLine
from orders.selectors import order_lines_carry
from orders.services.events import event_record as _event
from pricing.selectors import PriceBreaks, PriceSource, price_breaks

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer
    from inventory.models import Product, Warehouse

MAX_QUANTITY = Decimal("1000000000")  # 10^9 units on one line is a typo, not an order
MAX_LINES = 500


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None  # defaults to the customer's price list, else the product's
    discount_percent: Decimal = ZERO
    # With a unit price: where it came from (a quotation's line keeps its source on the order);
    # None is a price typed on the line, `manual`.
    price_source: str | None = None


@dataclass(frozen=True)
class LinePrice:
    unit_price: Decimal
    source: str


def line_price(*, line: LineInput, product: Product, breaks: PriceBreaks) -> LinePrice:
    """The unit price of a line and where it came from (decision 0054): a typed price, else the
    customer's price list for this quantity, else the product's price."""
    if line.unit_price is not None:
        return LinePrice(Decimal(line.unit_price), line.price_source or PriceSource.MANUAL)
    listed = breaks.price(product_id=product.pk, quantity=Decimal(line.quantity))
    if listed is not None:
        return LinePrice(listed, PriceSource.PRICE_LIST)
    return LinePrice(product.unit_price, PriceSource.PRODUCT)


def customer_price_breaks(*, customer: Customer, on: date, product_ids: Iterable[int | None]) -> PriceBreaks:
    """The breaks of `customer`'s price list valid on `on` for `product_ids` (one query)."""
    return price_breaks(
        price_list_id=customer.price_list_id, currency=customer.currency, on=on, product_ids=product_ids
    )


def _resolve_customer(customer_id: int, *, lock: bool = False) -> Customer:
    try:
        return locks.customer_lock(customer_id=customer_id) if lock else customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise DomainError(
            f"customer {customer_id} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        ) from None


def _resolve_currency(customer: Customer, currency: str | None) -> str:
    if currency and currency != customer.currency:
        raise DomainError(
            f"customer {customer.code} is billed in {customer.currency}, not {currency}",
            field="currency",
            code=KernelErrorCode.CURRENCY_MISMATCH,
        )
    document_rate(currency=customer.currency, on=timezone.localdate())  # refused without one (0062)
    return customer.currency


def _resolve_warehouse(warehouse_id: int | None) -> Warehouse:
    if warehouse_id is not None:
        warehouse = warehouse_list().filter(pk=warehouse_id).first()
        if warehouse is None:
            raise DomainError(
                f"warehouse {warehouse_id} does not exist",
                field="warehouse",
                code=KernelErrorCode.DOES_NOT_EXIST,
            )
        return warehouse
    warehouse = warehouse_list().order_by("pk").first()
    if warehouse is None:
        raise DomainError(
            "no warehouse exists yet; create one first", field="warehouse", code=OrderErrorCode.NO_WAREHOUSE
        )
    return warehouse


def document_header_resolve(
    *, customer_id: int, currency: str | None, warehouse_id: int | None
) -> tuple[Customer, str, Warehouse]:
    """The customer, currency and warehouse of a new sales document (an order, a quotation)."""
    customer = _resolve_customer(customer_id)
    return customer, _resolve_currency(customer, currency), _resolve_warehouse(warehouse_id)


def _build_lines(order: SalesOrder, customer: Customer, lines: Sequence[LineInput]) -> list[SalesOrderLine]:
    return lines_build(
        customer=customer,
        currency=order.currency,
        on=order.order_date,
        lines=lines,
        make=SalesOrderLine,
        order=order,
    )


def lines_build(
    *, customer: Customer, currency: str, on: date, lines: Sequence[LineInput], make: Any, **parent: Any
) -> list[Any]:
    """Price, check and round `lines` for `customer` on `on`: `make(**parent, position=…, …)` for
    each (an order line, a quotation line). Refusals name `lines` and the line's position."""
    if not lines:
        raise DomainError("an order needs at least one line", field="lines", code=OrderErrorCode.NO_LINES)
    if len(lines) > MAX_LINES:
        raise DomainError(
            f"an order has at most {MAX_LINES} lines", field="lines", code=KernelErrorCode.TOO_MANY_LINES
        )
    products = products_by_id(product_ids={line.product_id for line in lines})
    breaks = customer_price_breaks(customer=customer, on=on, product_ids=products.keys())
    built = []
    for position, line in enumerate(lines, start=1):
        product = products.get(line.product_id)
        if product is None:
            raise DomainError(
                f"line {position}: product {line.product_id} does not exist",
                field="lines",
                code=KernelErrorCode.DOES_NOT_EXIST,
            )
        if not product.active:
            raise DomainError(
                f"line {position}: product {product.sku} is no longer sold",
                field="lines",
                code=InventoryErrorCode.INACTIVE_PRODUCT,
            )
        quantity = Decimal(line.quantity)
        if quantity <= 0:
            raise DomainError(
                f"line {position}: the quantity must be positive",
                field="lines",
                code=KernelErrorCode.NOT_POSITIVE,
            )
        if quantity > MAX_QUANTITY:
            raise DomainError(
                f"line {position}: at most {MAX_QUANTITY} units per line",
                field="lines",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        if round_quantity(quantity) != quantity:
            raise DomainError(
                f"line {position}: quantities have at most 3 decimals",
                field="lines",
                code=KernelErrorCode.TOO_MANY_DECIMALS,
            )
        discount = Decimal(line.discount_percent or 0)
        if not ZERO <= discount <= 100:
            raise DomainError(
                f"line {position}: the discount is between 0 and 100 %",
                field="lines",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        price = line_price(line=line, product=product, breaks=breaks)
        unit_price = price.unit_price
        if unit_price < 0:
            raise DomainError(
                f"line {position}: the unit price cannot be negative",
                field="lines",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        if unit_price > MAX_AMOUNT:
            raise DomainError(
                f"line {position}: the unit price is at most {MAX_AMOUNT}",
                field="lines",
                code=KernelErrorCode.AMOUNT_TOO_LARGE,
            )
        tax_rate = ZERO if customer.tax_exempt else product.tax_rate
        amounts = line_amounts(
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=discount,
            tax_rate=tax_rate,
            currency=currency,
        )
        if amounts.total > MAX_AMOUNT:  # 10^9 units at 10^10 would overflow every column and sum
            raise DomainError(
                f"line {position}: the line total {amounts.total} is more than {MAX_AMOUNT}",
                field="lines",
                code=KernelErrorCode.AMOUNT_TOO_LARGE,
            )
        built.append(
            make(
                **parent,
                position=position,
                product=product,
                description=product.name,
                is_stock=product.is_stock,
                quantity=quantity,
                unit_price=unit_price,
                price_source=price.source,
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
            code=KernelErrorCode.AMOUNT_TOO_LARGE,
        )
    return built


def _totals_set(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    order.net_total = sum((line.net_amount for line in lines), ZERO)
    order.tax_total = sum((line.tax_amount for line in lines), ZERO)
    order.total = order.net_total + order.tax_total


def _store_lines(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    SalesOrderLine.objects.bulk_create(lines)
    _totals_set(order, lines)
    order.save(update_fields=["net_total", "tax_total", "total"])


@step
def order_create(
    *,
    customer_id: int,
    lines: Sequence[LineInput],
    by: User | None = None,
    requested_delivery_date: date | None = None,
    customer_reference: str = "",
    ship_to: str | None = None,
    warehouse_id: int | None = None,
    currency: str | None = None,
    lock_customer: bool = False,
) -> SalesOrder:
    """A draft order, its lines priced and rounded once each, its totals their sums. With
    `lock_customer` the customer is read locked (`locks.customer_lock`): an order submitted at once is
    credit-checked under that lock, taken here instead of after the order is written (the new
    order's row is invisible to others, so taking the customer first changes no lock order)."""
    customer = _resolve_customer(customer_id, lock=lock_customer)
    today = timezone.localdate()
    if requested_delivery_date and requested_delivery_date < today:
        raise DomainError(
            "the requested delivery date is in the past",
            field="requested_delivery_date",
            code=OrderErrorCode.DELIVERY_DATE_IN_PAST,
        )
    order = SalesOrder(
        customer=customer,
        warehouse=_resolve_warehouse(warehouse_id),
        currency=_resolve_currency(customer, currency),
        exchange_rate=document_rate(currency=customer.currency, on=today),
        order_date=today,
        requested_delivery_date=requested_delivery_date,
        customer_reference=customer_reference,
        ship_to=customer.shipping_address if ship_to is None else ship_to,
        created_by=by,
    )
    lines_built = _build_lines(order, customer, lines)
    # Numbered once the input is valid: a refused order draws no number (docs/decisions/0022).
    # The number is drawn by the INSERT and read back from its RETURNING (decision 0068).
    order.number = sequence_number_drawn(series="order", on=today)
    _totals_set(order, lines_built)  # the header written once, with its totals
    order.save()
    for built in lines_built:
        built.order = order  # its id, now that it has one
    SalesOrderLine.objects.bulk_create(lines_built)
    order_lines_carry(order=order, lines=lines_built)  # the steps after it and the answer use them
    _event(order, "created", by=by, detail=f"{len(lines_built)} lines, total {order.total} {order.currency}")
    event_emit("order.created", order)
    return order


_UNSET = object()


@transaction.atomic
def order_update(
    *,
    order_id: int,
    by: User | None = None,
    lines: Sequence[LineInput] | None = None,
    requested_delivery_date: Any = _UNSET,
    customer_reference: str | None = None,
    ship_to: str | None = None,
    warehouse_id: int | None = None,
) -> SalesOrder:
    """Edit a draft; any other status is a 409."""
    order = locks.order_lock(order_id=order_id)
    if order.status != SalesOrder.Status.DRAFT:
        raise Conflict(
            f"order {order.number} is {order.get_status_display().lower()} and can no longer be edited",
            code=OrderErrorCode.ORDER_NOT_EDITABLE,
        )
    changed = []
    if requested_delivery_date is not _UNSET:
        if requested_delivery_date and requested_delivery_date < timezone.localdate():
            raise DomainError(
                "the requested delivery date is in the past",
                field="requested_delivery_date",
                code=OrderErrorCode.DELIVERY_DATE_IN_PAST,
            )
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
