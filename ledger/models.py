"""Double entry over a chart of accounts. Posted entries never change: they are reversed.

The database keeps the two rules even when the service is bypassed: a deferred constraint
trigger refuses an entry whose debits and credits differ (checked at commit, once all lines are
in), and protect triggers refuse any UPDATE or DELETE of a posted entry or line.
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models

from ledger.rates.models import ExchangeRate  # noqa: F401  # the concept package's model, for Django

BALANCE_CHECK = """
DECLARE
    total_debit numeric;
    total_credit numeric;
    line_count integer;
BEGIN
    SELECT coalesce(sum(debit), 0), coalesce(sum(credit), 0), count(*)
      INTO total_debit, total_credit, line_count
      FROM ledger_journalline WHERE entry_id = {entry_id};
    IF line_count < 2 OR total_debit <> total_credit THEN
        RAISE EXCEPTION 'journal entry % is unbalanced: % lines, debit %, credit %',
            {entry_id}, line_count, total_debit, total_credit
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
"""


@pghistory.track()
class Account(models.Model):
    class Type(models.TextChoices):
        ASSET = "asset"
        LIABILITY = "liability"
        EQUITY = "equity"
        REVENUE = "revenue"
        EXPENSE = "expense"

    code = models.CharField(max_length=20, unique=True)
    key = models.SlugField(
        max_length=50, unique=True, null=True, blank=True, help_text="how services name it"
    )
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=Type.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    number = models.CharField(max_length=30, unique=True)
    date = models.DateField(db_index=True)
    memo = models.CharField(max_length=500)
    source = models.CharField(max_length=30, db_index=True, help_text="manual, invoice, payment, …")
    source_reference = models.CharField(max_length=60, blank=True, db_index=True)
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "journal entries"
        triggers = [
            pgtrigger.Protect(name="journal_entry_immutable", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="journal_entry_has_balanced_lines",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func=BALANCE_CHECK.format(entry_id="NEW.id"),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # The document's own currency and signed amount (debit positive), beside the base-currency
    # debit or credit: a foreign-currency invoice keeps both (DESIGN.md §2, currencies).
    currency = models.CharField(max_length=3)
    amount_currency = models.DecimalField(max_digits=18, decimal_places=2)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "entry"], name="journalline_account_entry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0), name="journalline_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)),
                name="journalline_one_side",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="journal_line_immutable", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="journal_line_entry_balanced",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func=BALANCE_CHECK.format(entry_id="NEW.entry_id"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} Dr {self.debit} Cr {self.credit}"


@pghistory.track()  # who moved the lock date, when, from what to what
class LedgerSettings(models.Model):
    """The ledger's one settings row (pk 1): the lock date, like Odoo's lock date for all users.

    Nothing is posted on or before `lock_date` (`ledger.services.posting_date_check`); None means
    no period is locked yet, and then `O2C_BOOKS_START` is the earliest posting date."""

    lock_date = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "ledger settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="ledger_settings_singleton")]

    def __str__(self) -> str:
        return f"lock date {self.lock_date or 'none'}"
