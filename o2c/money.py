"""Money: `Decimal` plus an ISO 4217 currency, rounded half-up to the currency's minor unit.

Amounts are built from strings (or Decimals), never floats. Lines are rounded once each and
document totals are sums of rounded lines (`money_sum`). Mixing currencies raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision

from o2c.errors import CurrencyMismatch, DomainError, KernelErrorCode

ZERO = Decimal("0")  # prints "0": quantities, counts, amounts compared or summed without places
ZERO_CENTS = Decimal("0.00")  # prints "0.00": an amount of money shown or summed with its cents
ZERO_QUANTITY = Decimal("0.000")  # prints "0.000": a quantity with its three places
CENT = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.001")


@cache
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency`: 0.01 for EUR, 1 for JPY, 0.001 for KWD."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def to_decimal(value: str | int | Decimal, *, field: str = "amount") -> Decimal:
    """A Decimal from user input; floats are refused because they are already inexact."""
    if isinstance(value, float):
        raise TypeError("money and quantities are never floats; pass a string or a Decimal")
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"'{value}' is not a number", field=field, code=KernelErrorCode.INVALID_NUMBER
        ) from None
    if not result.is_finite():
        raise DomainError(
            f"'{value}' is not a finite number", field=field, code=KernelErrorCode.INVALID_NUMBER
        )
    return result


def round_money(amount: Decimal, currency: str = "EUR") -> Decimal:
    """Round half-up to the currency's minor unit (the one rounding rule of the design)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def round_quantity(quantity: Decimal) -> Decimal:
    return quantity.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)


def round_places(value: Decimal, places: int) -> Decimal:
    """Round half-up to `places` decimals: percentages and day counts shown to one decimal, a
    value stored with its column's places. Money goes through `round_money`. This module is the
    only place that calls `Decimal.quantize` (tests/kernel/test_rounding.py checks it)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_rounded(value: Decimal, places: int = 2) -> bool:
    """Whether `value` has at most `places` decimals (validation of input, no rounding); a value
    too large to hold at that precision is not."""
    try:
        return value == round_places(value, places)
    except InvalidOperation:
        return False


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, float):
            raise TypeError("Money is never built from a float")
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isupper():
            raise DomainError(
                f"'{self.currency}' is not an ISO 4217 currency code",
                field="currency",
                code=KernelErrorCode.INVALID_CURRENCY,
            )

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(ZERO, currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}", field="currency")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float | Money):
            raise TypeError("Money is multiplied by a Decimal or an int only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def money_sum(items: Iterable[Money], currency: str) -> Money:
    """The sum of `items`, all in `currency`; an empty iterable sums to zero."""
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, tax_rate: Decimal, currency: str
) -> LineAmounts:
    """A document line's net, tax and gross: each rounded once, half-up, to the minor unit.

    net = round(quantity × unit price × (1 − discount/100)); tax = round(net × rate/100).
    """
    net = round_money(quantity * unit_price * (Decimal(100) - discount_percent) / Decimal(100), currency)
    tax = round_money(net * tax_rate / Decimal(100), currency)
    return LineAmounts(net=net, tax=tax, total=net + tax)
