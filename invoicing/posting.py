"""The postings of invoices and credit notes (decision 0062 for documents in foreign currency)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledger.rates.convert import is_base
from ledger.rates.lines import lines_to_base
from ledger.services import LineSpec, journal_entry_post

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def document_post(
    *,
    entry_date: date,
    memo: str,
    reference: str,
    source: str,
    receivables: Decimal,
    revenue: Decimal,
    vat: Decimal,
    credit: bool,
    by: User | None,
    currency: str,
    rate: Decimal,
    receivables_base: Decimal,
    vat_by_rate: Sequence[tuple[Decimal, Decimal]] = (),
) -> None:
    """An invoice: Dr receivables / Cr revenue / Cr VAT; a credit note: the reverse. A zero
    document (free goods and services) posts nothing: there is no amount to post, and its number
    is the trail (decision record 0025). In a foreign currency the receivables line is its base
    amount `receivables_base`, the VAT of each tax rate (`vat_by_rate`: rate → tax) at `rate`, so
    the VAT report converts it as the ledger did, and revenue the rest (decision 0062)."""
    foreign = not is_base(currency) and vat_by_rate
    sides = [
        ("receivables", receivables, not credit, ""),
        ("revenue", revenue, credit, ""),
        *(
            [("vat_payable", tax, credit, f"{tax_rate} % tax") for tax_rate, tax in vat_by_rate]
            if foreign
            else [("vat_payable", vat, credit, "")]
        ),
    ]
    lines = [
        LineSpec(account=account, debit=amount, description=note)
        if debit
        else LineSpec(account=account, credit=amount, description=note)
        for account, amount, debit, note in sides
        if amount > 0
    ]
    if not lines:
        return
    lines = lines_to_base(lines, currency=currency, rate=rate, fixed={0: receivables_base})
    if len(lines) < 2:  # worth nothing in the base currency
        return
    journal_entry_post(
        entry_date=entry_date, memo=memo, lines=lines, source=source, source_reference=reference, by=by
    )


def tax_by_rate(lines: Iterable[Any]) -> list[tuple[Decimal, Decimal]]:
    """The tax of document lines summed per tax rate, the highest rate first."""
    sums: dict[Decimal, Decimal] = {}
    for line in lines:
        sums[line.tax_rate] = sums.get(line.tax_rate, Decimal(0)) + line.tax_amount
    return sorted(sums.items(), reverse=True)
