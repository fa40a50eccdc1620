"""Ledger writes: post a balanced journal entry, reverse one, set the lock date. Nothing else
writes the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.errors import LedgerErrorCode
from ledger.models import Account, JournalEntry, JournalLine, LedgerSettings
from ledger.selectors import lock_date_get
from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode, UnbalancedEntry
from o2c.money import ZERO, round_money
from o2c.numbering import document_number_next
from o2c.parsing import MAX_AMOUNT, date_check
from o2c.roles import MANAGER, has_role
from o2c.transactions import memo_forget, step, transaction_memo

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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


_ACCOUNTS_MEMO = "ledger.accounts"
_LOCK_DATE_MEMO = "ledger.lock_date"


def accounts_forget(**_: object) -> None:
    memo_forget(_ACCOUNTS_MEMO)


def _accounts_for(lines: Sequence[LineSpec]) -> dict[str, Account]:
    """The active accounts the lines name (by code or key). Those read are kept for the rest of
    the transaction (a shipment posts its cost and its invoice, a payment its receipt and its
    discounts: the same accounts); a change of an account forgets them (ledger/apps.py)."""
    names = {line.account for line in lines}
    found: dict[str, Account] = transaction_memo(_ACCOUNTS_MEMO, dict)
    wanted = names - found.keys()
    if wanted:
        # The first posting of the transaction reads every active account (a chart is small), so
        # the next postings of the step, on other accounts, read none.
        wide = Q(active=True) if not found else Q(Q(code__in=wanted) | Q(key__in=wanted), active=True)
        for account in Account.objects.filter(wide):
            found[account.code] = account
            if account.key:
                found[account.key] = account
    missing = sorted(names - found.keys())
    if missing:
        raise DomainError(
            f"unknown or inactive account: {', '.join(missing)}",
            field="lines",
            code=LedgerErrorCode.UNKNOWN_ACCOUNT,
        )
    return found


def _validate(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise UnbalancedEntry("a journal entry needs at least two lines", field="lines")
    base = settings.O2C_BASE_CURRENCY
    for number, line in enumerate(lines, start=1):
        debit, credit = Decimal(line.debit), Decimal(line.credit)
        if debit < 0 or credit < 0:
            raise DomainError(
                f"line {number}: amounts are never negative", field="lines", code=KernelErrorCode.OUT_OF_RANGE
            )
        if (debit > 0) == (credit > 0):
            raise DomainError(
                f"line {number}: give either a debit or a credit",
                field="lines",
                code=LedgerErrorCode.DEBIT_OR_CREDIT,
            )
        if debit > MAX_AMOUNT or credit > MAX_AMOUNT:
            raise DomainError(
                f"line {number}: an amount is at most {MAX_AMOUNT}",
                field="lines",
                code=KernelErrorCode.AMOUNT_TOO_LARGE,
            )
        if round_money(debit, base) != debit or round_money(credit, base) != credit:
            raise DomainError(
                f"line {number}: amounts are rounded to cents before posting",
                field="lines",
                code=KernelErrorCode.TOO_MANY_DECIMALS,
            )
    total_debit = sum((Decimal(line.debit) for line in lines), ZERO)
    total_credit = sum((Decimal(line.credit) for line in lines), ZERO)
    if total_debit != total_credit:
        raise UnbalancedEntry(
            f"debits {total_debit} and credits {total_credit} differ by {total_debit - total_credit}",
            field="lines",
        )


def _one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def latest_posting_date() -> date:
    return _one_year_after(timezone.localdate())


def posting_date_check(*, on: date, field: str = "date") -> date:
    """The one rule for the date of every journal entry (decision 0024), checked by
    `journal_entry_post` and, earlier and naming their own field, by services that post a date a
    user gave (`received_on`): within 1900–2200, on or after `O2C_BOOKS_START`, after the lock
    date, and no more than a year ahead of today."""
    date_check(on, field=field)
    if on < settings.O2C_BOOKS_START:
        raise DomainError(
            f"the books start on {settings.O2C_BOOKS_START.isoformat()}; nothing is posted before",
            field=field,
            code=LedgerErrorCode.BEFORE_BOOKS_START,
        )
    latest = latest_posting_date()
    if on > latest:
        raise DomainError(
            f"a posting date is at most a year ahead ({latest.isoformat()})",
            field=field,
            code=LedgerErrorCode.DATE_TOO_FAR_AHEAD,
        )
    lock_date = transaction_memo(_LOCK_DATE_MEMO, lock_date_get)  # read once per transaction
    if lock_date is not None and on <= lock_date:
        raise DomainError(
            f"the books are locked up to {lock_date.isoformat()}; post on a later date",
            field=field,
            code=LedgerErrorCode.PERIOD_LOCKED,
        )
    return on


@transaction.atomic
def lock_date_set(*, lock_date: date | None, by: User | None) -> LedgerSettings:
    """Finance locks the books up to `lock_date` (inclusive). The lock date moves forward only,
    and is a past day (today's documents post today); moving it back or clearing it reopens
    closed periods, so only a manager (or admin) may."""
    if lock_date is not None:
        date_check(lock_date, field="lock_date")
        if lock_date >= timezone.localdate():
            raise DomainError(
                "the lock date is a past day: today's documents are still being posted",
                field="lock_date",
                code=LedgerErrorCode.LOCK_DATE_NOT_PAST,
            )
    LedgerSettings.objects.get_or_create(pk=1)
    row = locks.ledger_settings_lock()
    current = row.lock_date
    backwards = current is not None and (lock_date is None or lock_date < current)
    if backwards and current is not None and not (by is None or has_role(by, MANAGER)):
        raise DomainError(
            f"the books are locked up to {current.isoformat()}; only a manager may reopen them",
            field="lock_date",
            code=LedgerErrorCode.LOCK_DATE_BACKWARDS,
        )
    if lock_date != current:
        memo_forget(_LOCK_DATE_MEMO)
        row.lock_date = lock_date
        row.updated_by = by
        row.save(update_fields=["lock_date", "updated_by", "updated_at"])
    return row


@step
def journal_entry_post(
    *,
    entry_date: date,
    memo: str,
    lines: Sequence[LineSpec],
    source: str = "manual",
    source_reference: str = "",
    by: User | None = None,
    reversal_of: JournalEntry | None = None,
    date_field: str = "date",
) -> JournalEntry:
    """Post a balanced entry; refuses an unbalanced one before the database would, and a date the
    books do not accept (`posting_date_check`, naming `date_field`)."""
    posting_date_check(on=entry_date, field=date_field)
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
    *, entry_id: int, reason: str, by: User | None = None, entry_date: date | None = None
) -> JournalEntry:
    """Post the mirror image of an entry: the only way to undo a posting."""
    entry = locks.journal_entry_lock(entry_id=entry_id)
    if entry.reversal_of_id is not None:
        raise Conflict(
            f"{entry.number} is itself a reversal and cannot be reversed",
            code=LedgerErrorCode.REVERSAL_NOT_REVERSIBLE,
        )
    if JournalEntry.objects.filter(reversal_of=entry).exists():
        raise Conflict(f"{entry.number} is already reversed", code=LedgerErrorCode.ALREADY_REVERSED)
    entry_date = entry_date or timezone.localdate()
    if entry_date < entry.date:
        raise DomainError(
            f"a reversal is dated on or after its original ({entry.date.isoformat()})",
            field="date",
            code=LedgerErrorCode.REVERSAL_BEFORE_ORIGINAL,
        )
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
        entry_date=entry_date,
        memo=f"Reversal of {entry.number}: {reason}",
        lines=lines,
        source=entry.source,
        source_reference=entry.source_reference,
        by=by,
        reversal_of=entry,
    )


def stock_receipt_post(
    *,
    entry_date: date,
    quantity: Decimal,
    sku: str,
    unit_cost: Decimal,
    reference: str = "",
    by: User | None = None,
) -> JournalEntry | None:
    """Goods in at standard cost: Dr inventory / Cr goods received. A receipt worth nothing (no
    standard cost) posts nothing."""
    value = round_money(quantity * unit_cost)
    if value <= 0:
        return None
    return journal_entry_post(
        entry_date=entry_date,
        memo=f"Receipt of {quantity} × {sku}" + (f" ({reference})" if reference else ""),
        lines=[
            LineSpec(account="inventory", debit=value),
            LineSpec(account="goods_received", credit=value),
        ],
        source="stock_receipt",
        source_reference=reference[:60],
        by=by,
    )


def opening_balance_post(
    *,
    entry_date: date,
    account: str,
    amount: Decimal,
    memo: str,
    source: str,
    reference: str = "",
    by: User | None = None,
    currency: str | None = None,
    amount_currency: Decimal | None = None,
) -> JournalEntry | None:
    """A balance carried over from a previous system (imports, decision 0044): Dr `account`
    (receivables, inventory) / Cr opening balances, or the reverse for a negative amount. Nothing
    is posted for zero. `amount` is in the base currency; a foreign document's own amount comes
    as `currency` and `amount_currency` (decision 0062)."""
    value = round_money(amount)
    if value == 0:
        return None
    debit, credit = (account, "opening_balances") if value > 0 else ("opening_balances", account)
    own = amount_currency if amount_currency is not None else value
    return journal_entry_post(
        entry_date=entry_date,
        memo=memo,
        lines=[
            LineSpec(account=debit, debit=abs(value), currency=currency, amount_currency=abs(own)),
            LineSpec(account=credit, credit=abs(value), currency=currency, amount_currency=-abs(own)),
        ],
        source=source,
        source_reference=reference[:60],
        by=by,
    )
