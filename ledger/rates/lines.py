"""Journal lines in base amounts (decision 0062): a balanced entry written in a document's
currency converted line by line (`ledger.rates.convert.to_base`), and the realised exchange
difference of a settlement. Apart from convert.py so that reading a rate needs no ledger
service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from ledger.rates.convert import is_base, to_base
from ledger.services import LineSpec
from o2c.money import ZERO


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
