"""Document amounts to base amounts: the one place that converts (decision 0062); journal lines
in base amounts are built from these in ledger/rates/lines.py.

A document in a foreign currency stores the rate it used (units of its currency per base unit,
`rate_on` at its date); its base amount is its amount divided by that rate, rounded half-up to
the base currency's minor unit once. A part of a document's open balance takes its share of the
base balance still open on it, and the last part takes all that remains, so the base amounts of a
document's movements always sum to its base amount to the cent. The difference between the base
amount relieved from receivables and the base amount of the cash that relieved it is the realised
exchange gain (positive) or loss (negative).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings

from ledger.rates.errors import RateErrorCode
from ledger.rates.selectors import rate_on
from o2c.errors import DomainError
from o2c.money import round_money


def is_base(currency: str) -> bool:
    return bool(currency == settings.O2C_BASE_CURRENCY)


def document_rate(*, currency: str, on: date, field: str = "currency") -> Decimal:
    """The rate a document in `currency` dated `on` stores: 1 for the base currency, else the
    latest rate valid on that date; refused (naming the missing rate) when there is none."""
    rate = rate_on(currency=currency, on=on)
    if rate is None:
        base = settings.O2C_BASE_CURRENCY
        raise DomainError(
            f"no exchange rate {currency}/{base} is recorded for {on.isoformat()}: finance enters it "
            f"(Finance → Exchange rates) or uploads the ECB's file first",
            field=field,
            code=RateErrorCode.NO_EXCHANGE_RATE,
        )
    return rate


def to_base(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` of a document at `rate` in the base currency, rounded once."""
    if rate == 1:
        return round_money(amount, settings.O2C_BASE_CURRENCY)
    return round_money(amount / rate, settings.O2C_BASE_CURRENCY)


def base_share(*, amount: Decimal, balance: Decimal, balance_base: Decimal) -> Decimal:
    """The base amount of `amount` taken from an open `balance` whose base amount is
    `balance_base`: all of it when `amount` settles the balance, else its share, rounded once."""
    if amount == balance or balance == 0:
        return balance_base
    return round_money(balance_base * amount / balance, settings.O2C_BASE_CURRENCY)
