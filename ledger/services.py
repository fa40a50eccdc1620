"""Ledger writes: post a balanced journal entry, reverse one. Nothing else writes the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.models import Account, JournalEntry, JournalLine
from o2c.errors import Conflict, DomainError, UnbalancedEntry
from o2c.money import ZERO, round_money
from o2c.numbering import document_number_next
from o2c.parsing import MAX_AMOUNT


@dataclass(frozen=True)
class LineSpec:
    """One line to post: the account by `key` ("receivables") or `code` ("1100"); one side only.

    `currency`/`amount_currency` carry a foreign-currency document's own amount; they default to
    the base currency and the line's signed base amount.
    """

    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    currency: str | None = None
    amount_currency: Decimal | None = None


def _accounts_for(lines: Sequence[LineSpec]) -> dict[str, Account]:
    names = {line.account for line in lines}
    found = {}
    for account in Account.objects.filter(Q(code__in=names) | Q(key__in=names), active=True):
        found[account.code] = account
        if account.key:
            found[account.key] = account
    missing = sorted(names - found.keys())
    if missing:
        raise DomainError(f"unknown or inactive account: {', '.join(missing)}", field="lines")
    return found


def _validate(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise UnbalancedEntry("a journal entry needs at least two lines", field="lines")
    base = settings.O2C_BASE_CURRENCY
    for number, line in enumerate(lines, start=1):
        debit, credit = Decimal(line.debit), Decimal(line.credit)
        if debit < 0 or credit < 0:
            raise DomainError(f"line {number}: amounts are never negative", field="lines")
        if (debit > 0) == (credit > 0):
            raise DomainError(f"line {number}: give either a debit or a credit", field="lines")
        if debit > MAX_AMOUNT or credit > MAX_AMOUNT:
            raise DomainError(
                f"line {number}: an amount is at most {MAX_AMOUNT}", field="lines", code="amount_too_large"
            )
        if round_money(debit, base) != debit or round_money(credit, base) != credit:
            raise DomainError(f"line {number}: amounts are rounded to cents before posting", field="lines")
    total_debit = sum((Decimal(line.debit) for line in lines), ZERO)
    total_credit = sum((Decimal(line.credit) for line in lines), ZERO)
    if total_debit != total_credit:
        raise UnbalancedEntry(
            f"debits {total_debit} and credits {total_credit} differ by {total_debit - total_credit}",
            field="lines",
        )


@transaction.atomic
def journal_entry_post(
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[LineSpec],
    source: str = "manual",
    source_reference: str = "",
    by=None,
    reversal_of: JournalEntry | None = None,
) -> JournalEntry:
    """Post a balanced entry; refuses an unbalanced one before the database would."""
    _validate(lines)
    accounts = _accounts_for(lines)
    base = settings.O2C_BASE_CURRENCY
    entry = JournalEntry.objects.create(
        number=document_number_next(series="journal", on=entry_date),
        date=entry_date,
        memo=memo[:500],
        source=source,
        source_reference=source_reference,
        posted_by=by,
        reversal_of=reversal_of,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=accounts[line.account],
            debit=line.debit,
            credit=line.credit,
            currency=line.currency or base,
            amount_currency=line.amount_currency
            if line.amount_currency is not None
            else Decimal(line.debit) - Decimal(line.credit),
            description=line.description[:300],
        )
        for line in lines
    )
    return entry


@transaction.atomic
def journal_entry_reverse(
    *, entry_id: int, reason: str, by=None, entry_date: date | None = None
) -> JournalEntry:
    """Post the mirror image of an entry: the only way to undo a posting."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry_id)
    if entry.reversal_of_id is not None:
        raise Conflict(f"{entry.number} is itself a reversal and cannot be reversed")
    if JournalEntry.objects.filter(reversal_of=entry).exists():
        raise Conflict(f"{entry.number} is already reversed")
    lines = [
        LineSpec(
            account=line.account.code,
            debit=line.credit,
            credit=line.debit,
            description=line.description,
            currency=line.currency,
            amount_currency=-line.amount_currency,
        )
        for line in entry.lines.select_related("account")
    ]
    return journal_entry_post(
        entry_date=entry_date or timezone.localdate(),
        memo=f"Reversal of {entry.number}: {reason}",
        lines=lines,
        source=entry.source,
        source_reference=entry.source_reference,
        by=by,
        reversal_of=entry,
    )
