"""Ledger reads: the trial balance and the journal, as SQL aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from ledger.models import Account, JournalEntry, JournalLine, LedgerSettings
from o2c.money import ZERO, ZERO_CENTS, round_money


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # debit-positive net balance


@dataclass(frozen=True)
class TrialBalance:
    as_of: date | None
    accounts: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def trial_balance(*, as_of: date | None = None) -> TrialBalance:
    """Each account's net balance from entries dated on or before `as_of`, in the debit or the
    credit column; one GROUP BY query."""
    dated = Q(lines__entry__date__lte=as_of) if as_of else Q()
    money: DecimalField[Decimal, Decimal] = DecimalField(
        max_digits=28, decimal_places=2
    )  # a sum of lines, not one line
    accounts = Account.objects.annotate(
        debit_sum=Coalesce(Sum("lines__debit", filter=dated), Value(ZERO), output_field=money),
        credit_sum=Coalesce(Sum("lines__credit", filter=dated), Value(ZERO), output_field=money),
    ).order_by("code")
    rows = []
    for account in accounts:
        balance = account.debit_sum - account.credit_sum
        rows.append(
            TrialBalanceRow(
                code=account.code,
                name=account.name,
                type=account.type,
                debit=balance if balance > 0 else ZERO_CENTS,
                credit=-balance if balance < 0 else ZERO_CENTS,
                balance=balance,
            )
        )
    return TrialBalance(
        as_of=as_of,
        accounts=rows,
        total_debit=sum((row.debit for row in rows), ZERO_CENTS),
        total_credit=sum((row.credit for row in rows), ZERO_CENTS),
    )


def account_balance(*, key: str, as_of: date | None = None) -> Decimal:
    """The debit-positive balance of the account named `key`."""
    dated = Q(lines__entry__date__lte=as_of) if as_of else Q()
    totals = Account.objects.filter(key=key).aggregate(
        debit=Coalesce(Sum("lines__debit", filter=dated), Value(ZERO)),
        credit=Coalesce(Sum("lines__credit", filter=dated), Value(ZERO)),
    )
    balance: Decimal = totals["debit"] - totals["credit"]
    return balance


def journal_entry_list(
    *,
    source: str | None = None,
    account: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
) -> QuerySet[JournalEntry]:
    """Journal entries, latest first, filtered by `source`, an `account` (code or key) on one of
    their lines, a date range and `search` (entry number, memo or source reference)."""
    entries = JournalEntry.objects.select_related("posted_by", "reversal_of").prefetch_related(
        "lines__account"
    )
    if source:
        entries = entries.filter(source=source)
    if account:
        entries = entries.filter(Q(lines__account__code=account) | Q(lines__account__key=account)).distinct()
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if search:
        entries = entries.filter(
            Q(number__icontains=search) | Q(memo__icontains=search) | Q(source_reference__icontains=search)
        )
    return entries.order_by("-date", "-pk")


JOURNAL_EXPORT_COLUMNS = [
    "entry",
    "date",
    "source",
    "reference",
    "memo",
    "account",
    "account_name",
    "debit",
    "credit",
    "currency",
    "amount_currency",
]


def journal_export_rows(entries: Iterable[JournalEntry]) -> Iterator[dict[str, str]]:
    """One row per journal line (JOURNAL_EXPORT_COLUMNS): the export an accounting package imports."""
    for entry in entries:
        for line in entry.lines.all():
            yield {
                "entry": entry.number,
                "date": entry.date.isoformat(),
                "source": entry.source,
                "reference": entry.source_reference,
                "memo": entry.memo,
                "account": line.account.code,
                "account_name": line.account.name,
                "debit": str(line.debit),
                "credit": str(line.credit),
                "currency": line.currency,
                "amount_currency": str(line.amount_currency),
            }


def ledger_settings_get() -> LedgerSettings:
    """The one settings row; an unsaved default (no lock date) before anyone set one."""
    return LedgerSettings.objects.select_related("updated_by").filter(pk=1).first() or LedgerSettings(pk=1)


def lock_date_get() -> date | None:
    return LedgerSettings.objects.filter(pk=1).values_list("lock_date", flat=True).first()


def journal_entry_by_reference(*, source: str, reference: str) -> JournalEntry | None:
    """The first entry (not a reversal) a service posted as `source` with `reference`."""
    return (
        JournalEntry.objects.filter(source=source, source_reference=reference, reversal_of__isnull=True)
        .order_by("pk")
        .first()
    )


def posted_on_account(*, source: str, reference: str, account_key: str) -> Decimal:
    """What the entry a service posted as `source` with `reference` (not a reversal) moved on the
    account `account_key`, in the base currency, unsigned (one query); 0.00 when nothing was posted."""
    totals = JournalLine.objects.filter(
        entry__source=source,
        entry__source_reference=reference,
        entry__reversal_of__isnull=True,
        account__key=account_key,
    ).aggregate(debit=Coalesce(Sum("debit"), Value(ZERO)), credit=Coalesce(Sum("credit"), Value(ZERO)))
    posted: Decimal = abs(totals["credit"] - totals["debit"])
    return round_money(posted, settings.O2C_BASE_CURRENCY)  # already cents: two places in a 2-place sum
