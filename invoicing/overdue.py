"""The nightly overdue flag: invoices open after their due date (never the discount date)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from invoicing.models import Invoice
from o2c import locks
from o2c.events import event_emit


@transaction.atomic
def invoices_flag_overdue(*, today: date) -> int:
    """Nightly: invoices open after their due date become overdue once each (`overdue_on`, event
    `invoice.overdue`); one being paid right now is skipped (SKIP LOCKED) for the next night."""
    due = Invoice.objects.filter(status__in=["open", "partially_paid"], due_date__lt=today, overdue_on=None)
    ids = list(due.values_list("pk", flat=True))
    overdue = [i for i in locks.invoices_lock(invoice_ids=ids, skip_locked=True) if _overdue(i, today)]
    Invoice.objects.filter(pk__in=[invoice.pk for invoice in overdue]).update(overdue_on=today)
    for invoice in overdue:
        invoice.overdue_on = today
        event_emit("invoice.overdue", invoice)
    return len(overdue)


def _overdue(invoice: Invoice, today: date) -> bool:  # seen again under the lock
    return invoice.balance > 0 and invoice.overdue_on is None and invoice.due_date < today
