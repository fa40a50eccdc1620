"""Cash discounts (decision 0056): what an invoice takes off when paid by its discount date.

The discount is computed per tax rate: the gross of each rate (what is still invoiced at it, net
of credit notes) times the percent, rounded half-up (`o2c.money`) per rate; its tax part is the
rate's share of that gross (net = gross × 100 / (100 + rate), rounded; tax = the rest), so the
output tax falls exactly as the payment says. 2 % of 119.00 at 19 % is 2.38 = 2.00 net + 0.38 tax.
Pure: callers read the figures (invoicing/selectors.py) and post them (receivables/cash).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from o2c.money import ZERO, round_money


@dataclass(frozen=True)
class DiscountPart:
    """The discount at one tax rate: gross = net + tax."""

    tax_rate: Decimal
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def discount_parts(
    *, gross_by_rate: Iterable[tuple[Decimal, Decimal]], percent: Decimal, currency: str
) -> list[DiscountPart]:
    """The discount per rate for `percent` of the gross at each rate ((tax rate, gross) pairs, a rate
    may come more than once: they are summed first); rates with nothing left out."""
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in gross_by_rate:
        by_rate[rate] = by_rate.get(rate, ZERO) + amount
    parts = []
    for rate, gross in sorted(by_rate.items()):
        if gross <= 0 or percent <= 0:
            continue
        off = round_money(gross * percent / 100, currency)
        net = round_money(off * 100 / (100 + rate), currency)
        if off:
            parts.append(DiscountPart(tax_rate=rate, net=net, tax=off - net))
    return parts


def discount_total(parts: Iterable[DiscountPart]) -> Decimal:
    return sum((part.gross for part in parts), ZERO)


def discount_due(*, issue_date: date, days: int, off: list[DiscountPart]) -> date | None:
    """The last day a payment earns the discount `off`; None when there is none."""
    return issue_date + timedelta(days=days) if off else None


def discount_refused_note(*, paid_on: date, due: date) -> str:
    """Why a payment that deducted the discount left the difference open."""
    return f"discount not granted: paid on {paid_on.isoformat()} after discount date {due.isoformat()}"
