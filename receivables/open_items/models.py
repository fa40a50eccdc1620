"""The aging rollup: the open-item rows summed by day, kept by a trigger on the ledger
(docs/decisions/0051-reports-at-scale.md; the SQL is in receivables/open_items/rollup.py).

Aging as of a date D sums every open-item row dated on or before D, per bucket of the invoice's
due date. Over a million invoices that is ~40,000 invoices and their ledger rows on every call.
These two tables hold the same sums, pre-added:

- `OpenItemDueDay`: the rows of invoices by the invoice's due date and the day they count from
  (`on_date` = the later of the row's date and the invoice's issue date: an invoice is on the
  report from its issue date). The buckets before "over 90 days" need only the due dates of the
  last 90 days and later: a few thousand rows.
- `OpenItemDay`: every row by that day, invoices and unapplied cash apart (cash counts from the
  later of the row's date and the payment's received date). Their running sums up to D are the
  total open and the unapplied cash; "over 90 days" is the total less the other buckets.

Both are insert-only: a statement that inserts ledger rows adds one row per key it touches (its
own transaction, no row of another transaction updated, so no lock is shared between writers),
and `rollup_compact` merges the rows of each key at night. The sums are the same before and after.
"""

from __future__ import annotations

from django.db import models

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class OpenItemDueDay(models.Model):
    """Σ of invoices' open-item rows with this due date that count from `on_date`."""

    due_date = models.DateField()
    on_date = models.DateField()
    amount = models.DecimalField(**_AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["due_date", "on_date"], include=["amount"], name="openitem_due_day")]

    def __str__(self) -> str:
        return f"due {self.due_date} from {self.on_date}: {self.amount}"


class OpenItemDay(models.Model):
    """Σ of the open-item rows that count from `on_date`: of invoices, and of unapplied cash."""

    on_date = models.DateField()
    invoices = models.DecimalField(**_AMOUNT)
    cash = models.DecimalField(**_AMOUNT)

    class Meta:
        indexes = [models.Index(fields=["on_date"], include=["invoices", "cash"], name="openitem_day")]

    def __str__(self) -> str:
        return f"{self.on_date}: invoices {self.invoices}, cash {self.cash}"
