"""Cash discounts (decision 0056): what an invoice takes off when paid by its discount date.

The discount is computed per tax rate: the gross of each rate (what is still invoiced at it, net
of credit notes) times the percent, rounded half-up (`o2c.money`) per rate; its tax part is the
rate's share of that gross (net = gross × 100 / (100 + rate), rounded; tax = the rest), so the
output tax falls exactly as the payment says. 2 % of 119.00 at 19 % is 2.38 = 2.00 net + 0.38 tax.
A payment a little off the discounted amount (at most `O2C_CASH_DISCOUNT_TOLERANCE`) settles
with the discount the customer actually deducted (`discount_deducted`).
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


def discount_deducted(
    parts: list[DiscountPart], *, deducted: Decimal, tolerance: Decimal, currency: str
) -> list[DiscountPart] | None:
    """The discount when the customer deducted `deducted` instead of the discount `parts` make:
    None when that is no discount or more than `tolerance` away from it; else `parts`, with the
    difference on the rate with the largest discount (on a tie the higher rate), whose net is
    worked out again from its new gross. The output tax falls by what the customer actually
    deducted (the taxable amount is what was paid), and the parts still sum to `deducted`."""
    total = discount_total(parts)
    if not parts or deducted <= 0 or abs(deducted - total) > tolerance:
        return None
    if deducted == total:
        return parts
    largest = max(range(len(parts)), key=lambda index: (parts[index].gross, parts[index].tax_rate))
    part = parts[largest]
    gross = part.gross + deducted - total
    if gross <= 0:
        return None
    net = round_money(gross * 100 / (100 + part.tax_rate), currency)
    adjusted = list(parts)
    adjusted[largest] = DiscountPart(tax_rate=part.tax_rate, net=net, tax=gross - net)
    return adjusted


def discount_due(*, issue_date: date, days: int, off: list[DiscountPart]) -> date | None:
    """The last day a payment earns the discount `off`; None when there is none."""
    return issue_date + timedelta(days=days) if off else None


def discount_refused_note(*, paid_on: date, due: date) -> str:
    """Why a payment that deducted the discount left the difference open."""
    return f"discount not granted: paid on {paid_on.isoformat()} after discount date {due.isoformat()}"
