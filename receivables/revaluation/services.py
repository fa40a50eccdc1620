"""Month-end revaluation of open foreign-currency invoices (decision 0062), an optional step.

As of a date, each foreign currency's open invoice balances (their open-item rows up to that
date) are valued at that date's rate; the difference to the base amounts they are kept at is the
unrealised exchange gain or loss. It is posted on that date, Dr/Cr 1190 receivables revaluation
against 7830 unrealised exchange differences, and reversed automatically the next day, so the
realised difference of a later payment is still measured from the invoice's own rate and the
receivables control account (1100) always equals the open items. Once per date: a second run
for the same date returns the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum

from ledger.rates.convert import document_rate, to_base
from ledger.selectors import journal_entry_by_reference
from ledger.services import LineSpec, journal_entry_post, journal_entry_reverse, posting_date_check
from o2c.money import ZERO
from receivables.models import ReceivableEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SOURCE = "fx_revaluation"


@dataclass(frozen=True)
class CurrencyRevaluation:
    currency: str
    balance: Decimal  # open on the date, in the currency
    kept_base: Decimal  # the base amount the open items are kept at (their own rates)
    rate: Decimal  # the date's rate
    revalued_base: Decimal  # balance at the date's rate

    @property
    def difference(self) -> Decimal:
        """Unrealised gain (+) or loss (−)."""
        return self.revalued_base - self.kept_base


@dataclass(frozen=True)
class Revaluation:
    on: date
    currencies: list[CurrencyRevaluation]
    entry_number: str | None = None
    reversal_number: str | None = None
    created: bool = False

    @property
    def difference(self) -> Decimal:
        return sum((row.difference for row in self.currencies), ZERO)


def reference_for(on: date) -> str:
    return f"FXR-{on.isoformat()}"


def revaluation_preview(*, on: date) -> Revaluation:
    """What a revaluation as of `on` would post (refused, naming it, when a rate is missing)."""
    base = settings.O2C_BASE_CURRENCY
    rows = (
        ReceivableEntry.objects.filter(invoice__isnull=False, entry_date__lte=on)
        .exclude(currency=base)
        .values("currency")
        .annotate(balance=Sum("amount"), kept=Sum("amount_base"))
        .order_by("currency")
    )
    currencies = []
    for row in rows:
        if not row["balance"] and not row["kept"]:
            continue
        rate = document_rate(currency=row["currency"], on=on, field="date")
        currencies.append(
            CurrencyRevaluation(
                currency=row["currency"],
                balance=row["balance"],
                kept_base=row["kept"],
                rate=rate,
                revalued_base=to_base(row["balance"], rate),
            )
        )
    return Revaluation(on=on, currencies=currencies)


def _lines(revaluation: Revaluation) -> list[LineSpec]:
    lines = []
    for row in revaluation.currencies:
        amount, gain = abs(row.difference), row.difference > 0
        if not amount:
            continue
        note = f"{row.currency} {row.balance} at {row.rate.normalize()}: {row.revalued_base} (kept at {row.kept_base})"
        lines += [
            LineSpec(
                account="receivables_revaluation",
                debit=amount if gain else ZERO,
                credit=ZERO if gain else amount,
                currency=row.currency,
                amount_currency=ZERO,
                description=note,
            ),
            LineSpec(
                account="fx_unrealised",
                debit=ZERO if gain else amount,
                credit=amount if gain else ZERO,
                currency=row.currency,
                amount_currency=ZERO,
                description=note,
            ),
        ]
    return lines


@transaction.atomic
def revaluation_run(*, on: date, by: User | None = None) -> Revaluation:
    """Revalue the open foreign items as of `on` and reverse it on the next day; once per date."""
    posting_date_check(on=on, field="date")
    posting_date_check(on=on + timedelta(days=1), field="date")
    reference = reference_for(on)
    with connection.cursor() as cursor:  # two runs for one date at once: the second waits
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [reference])
    preview = revaluation_preview(on=on)
    done = journal_entry_by_reference(source=SOURCE, reference=reference)
    if done is not None:
        reversal = getattr(done, "reversed_by", None)
        return Revaluation(
            on=on,
            currencies=preview.currencies,
            entry_number=done.number,
            reversal_number=reversal.number if reversal else None,
        )
    lines = _lines(preview)
    if not lines:
        return preview
    entry = journal_entry_post(
        entry_date=on,
        memo=f"Revaluation of open foreign-currency receivables as of {on.isoformat()}",
        lines=lines,
        source=SOURCE,
        source_reference=reference,
        by=by,
    )
    reversal = journal_entry_reverse(
        entry_id=entry.pk,
        reason="automatic reversal of the revaluation",
        by=by,
        entry_date=on + timedelta(days=1),
    )
    return Revaluation(
        on=on,
        currencies=preview.currencies,
        entry_number=entry.number,
        reversal_number=reversal.number,
        created=True,
    )
