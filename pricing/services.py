"""Price list writes: create and edit a list with its breaks (decision 0054). Managers only (the
views check the role). The items are replaced as a whole when given, as an order's lines are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from customers.services import currency_clean
from inventory.selectors import products_by_id
from o2c import locks
from o2c.errors import DomainError, KernelErrorCode
from o2c.money import is_rounded, round_quantity
from o2c.parsing import MAX_AMOUNT, MAX_QUANTITY, text_check
from pricing.errors import PricingErrorCode
from pricing.models import PriceList, PriceListItem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_ITEMS = 2000
_UNSET: Any = object()


@dataclass(frozen=True)
class ItemInput:
    product_id: int
    min_quantity: Decimal
    unit_price: Decimal


def _items_build(price_list: PriceList, items: Sequence[ItemInput]) -> list[PriceListItem]:
    if len(items) > MAX_ITEMS:
        raise DomainError(
            f"a price list has at most {MAX_ITEMS} items", field="items", code=KernelErrorCode.TOO_MANY_LINES
        )
    products = products_by_id(product_ids={item.product_id for item in items})
    seen: set[tuple[int, Decimal]] = set()
    built = []
    for position, item in enumerate(items, start=1):
        if item.product_id not in products:
            raise DomainError(
                f"item {position}: product {item.product_id} does not exist",
                field="items",
                code=KernelErrorCode.DOES_NOT_EXIST,
            )
        quantity, price = Decimal(item.min_quantity), Decimal(item.unit_price)
        if (
            not (quantity.is_finite() and 0 <= quantity <= MAX_QUANTITY)
            or round_quantity(quantity) != quantity
        ):
            raise DomainError(
                f"item {position}: the minimum quantity is 0 to {MAX_QUANTITY}, at most 3 decimals",
                field="items",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        if not (price.is_finite() and 0 <= price <= MAX_AMOUNT) or not is_rounded(price):
            raise DomainError(
                f"item {position}: the unit price is 0 to {MAX_AMOUNT}, at most 2 decimals",
                field="items",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        key = (item.product_id, quantity.normalize())
        if key in seen:
            raise DomainError(
                f"item {position}: {products[item.product_id].sku} from {quantity} is listed twice",
                field="items",
                code=PricingErrorCode.DUPLICATE_BREAK,
            )
        seen.add(key)
        built.append(
            PriceListItem(
                price_list=price_list, product_id=item.product_id, min_quantity=quantity, unit_price=price
            )
        )
    return built


def _header_check(price_list: PriceList) -> None:
    price_list.name = text_check((price_list.name or "").strip(), field="name")
    if not price_list.name:
        raise DomainError("this field may not be blank", field="name", code=KernelErrorCode.BLANK)
    price_list.currency = currency_clean(currency=price_list.currency)
    if price_list.valid_from and price_list.valid_to and price_list.valid_to < price_list.valid_from:
        raise DomainError(
            "valid_to is before valid_from", field="valid_to", code=PricingErrorCode.VALIDITY_REVERSED
        )
    if PriceList.objects.filter(name=price_list.name).exclude(pk=price_list.pk).exists():
        raise DomainError(
            f"a price list named {price_list.name} exists",
            field="name",
            code=PricingErrorCode.DUPLICATE_PRICE_LIST,
        )


def _save(price_list: PriceList) -> None:
    try:
        with transaction.atomic():  # a concurrent duplicate name is a 400, not a 500
            price_list.save()
    except IntegrityError:
        raise DomainError(
            f"a price list named {price_list.name} exists",
            field="name",
            code=PricingErrorCode.DUPLICATE_PRICE_LIST,
        ) from None


@transaction.atomic
def price_list_create(
    *,
    name: str,
    currency: str,
    items: Sequence[ItemInput] = (),
    valid_from: date | None = None,
    valid_to: date | None = None,
    by: User | None = None,
) -> PriceList:
    price_list = PriceList(name=name, currency=currency, valid_from=valid_from, valid_to=valid_to)
    _header_check(price_list)
    built = _items_build(price_list, items)
    _save(price_list)
    PriceListItem.objects.bulk_create(built)
    return price_list


@transaction.atomic
def price_list_update(
    *,
    price_list_id: int,
    by: User | None = None,
    name: str | None = None,
    currency: str | None = None,
    valid_from: Any = _UNSET,
    valid_to: Any = _UNSET,
    items: Sequence[ItemInput] | None = None,
) -> PriceList:
    """Change what is given; `items` replaces every break. A list in use keeps its currency
    (its customers are billed in it), unless nobody uses it."""
    price_list = locks.price_list_lock(price_list_id=price_list_id)
    if currency is not None and currency != price_list.currency:
        if price_list.customers.exists():
            raise DomainError(
                f"customers use {price_list.name}: its currency stays {price_list.currency}",
                field="currency",
                code=PricingErrorCode.PRICE_LIST_CURRENCY,
            )
        price_list.currency = currency
    if name is not None:
        price_list.name = name
    if valid_from is not _UNSET:
        price_list.valid_from = valid_from
    if valid_to is not _UNSET:
        price_list.valid_to = valid_to
    _header_check(price_list)
    _save(price_list)
    if items is not None:
        built = _items_build(price_list, items)
        price_list.items.all().delete()
        PriceListItem.objects.bulk_create(built)
    return price_list
