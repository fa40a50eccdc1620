"""The postings of invoices and credit notes (decision 0062 for documents in foreign currency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ledger.rates.convert import lines_to_base
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
) -> None:
    """An invoice: Dr receivables / Cr revenue / Cr VAT; a credit note: the reverse. A zero
    document (free goods and services) posts nothing: there is no amount to post, and its number
    is the trail (decision record 0025). In a foreign currency the receivables line is its base
    amount `receivables_base`, VAT at `rate` and revenue the rest (decision 0062)."""
    sides = [
        ("receivables", receivables, not credit),
        ("revenue", revenue, credit),
        ("vat_payable", vat, credit),
    ]
    lines = [
        LineSpec(account=account, debit=amount) if debit else LineSpec(account=account, credit=amount)
        for account, amount, debit in sides
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
