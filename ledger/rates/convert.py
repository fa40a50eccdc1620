"""Document amounts to base amounts: the one place that converts (decision 0062).

A document in a foreign currency stores the rate it used (units of its currency per base unit,
`rate_on` at its date); its base amount is its amount divided by that rate, rounded half-up to
the base currency's minor unit once. A part of a document's open balance takes its share of the
base balance still open on it, and the last part takes all that remains, so the base amounts of a
document's movements always sum to its base amount to the cent. The difference between the base
amount relieved from receivables and the base amount of the cash that relieved it is the realised
exchange gain (positive) or loss (negative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.conf import settings

from ledger.rates.errors import RateErrorCode
from ledger.rates.selectors import rate_on
from ledger.services import LineSpec
from o2c.errors import DomainError
from o2c.money import ZERO, round_money


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


def fx_lines(
    *, difference: Decimal, currency: str, description: str = "", reversal: bool = False
) -> list[LineSpec]:
    """The realised exchange difference of a settlement: a gain (difference > 0) credits FX
    gains, a loss debits FX losses; a `reversal` of the movement whose difference it was undoes
    it on the account it was posted to.
    The line carries the document's currency with no amount of it (the difference exists only
    in the base currency)."""
    if difference == 0:
        return []
    amount = abs(difference)
    if not reversal:
        line = (
            LineSpec(account="fx_gains", credit=amount)
            if difference > 0
            else LineSpec(account="fx_losses", debit=amount)
        )
    else:  # the reversal of a gain debits the gains account, of a loss credits the losses
        line = (
            LineSpec(account="fx_gains", debit=amount)
            if difference > 0
            else LineSpec(account="fx_losses", credit=amount)
        )
    return [replace(line, currency=currency, amount_currency=ZERO, description=description)]


def lines_to_base(
    lines: Sequence[LineSpec], *, currency: str, rate: Decimal, fixed: dict[int, Decimal] | None = None
) -> list[LineSpec]:
    """A balanced entry given in the document's currency, in base amounts: each line at `rate`
    rounded once, except the lines whose base amount is `fixed` (index → base amount: the
    receivables line of a movement takes its share of the open base balance); the rounding
    residual (a cent or so) goes to the largest other line. Each line keeps its document amount
    in `amount_currency`. A base-currency entry comes back as it was."""
    fixed = fixed or {}
    if is_base(currency) and all(
        fixed[i] == (line.debit or line.credit) for i, line in enumerate(lines) if i in fixed
    ):
        return list(lines)
    base = [fixed.get(i, to_base(line.debit or line.credit, rate)) for i, line in enumerate(lines)]
    residual = sum((b for b, line in zip(base, lines, strict=True) if line.debit), ZERO) - sum(
        (b for b, line in zip(base, lines, strict=True) if not line.debit), ZERO
    )
    free = [i for i in range(len(lines)) if i not in fixed]
    if residual and free:
        largest = max(free, key=lambda i: base[i])
        base[largest] += -residual if lines[largest].debit else residual
    return [  # a line worth nothing in base (a cent at a high rate) is left out
        replace(
            line,
            debit=amount if line.debit else ZERO,
            credit=ZERO if line.debit else amount,
            currency=currency,
            amount_currency=line.debit - line.credit,
        )
        for line, amount in zip(lines, base, strict=True)
        if amount
    ]
