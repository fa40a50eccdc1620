"""Direct-debit reads: mandates, runs, collections, and the invoices a run may collect."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from invoicing.selectors import invoice_rows
from receivables.collections.selectors import promised_invoice_ids_open
from receivables.directdebit.models import DirectDebitItem, DirectDebitRun, Mandate
from receivables.selectors import open_disputed_subquery

# Collections are in euro: SEPA direct debits are.
SEPA_CURRENCY = "EUR"


def mandate_list() -> QuerySet[Mandate]:
    return Mandate.objects.select_related("customer", "created_by")


def run_list() -> QuerySet[DirectDebitRun]:
    return DirectDebitRun.objects.select_related("created_by").defer("xml")


def run_get(*, run_id: int) -> DirectDebitRun:
    return DirectDebitRun.objects.get(pk=run_id)


def item_list() -> QuerySet[DirectDebitItem]:
    return DirectDebitItem.objects.select_related("invoice", "customer", "mandate", "run", "payment")


def pending_collections() -> QuerySet[DirectDebitItem]:
    """Invoices in a collection sent and not yet settled or returned: "collection pending" (dunning
    skips them; the worklist shows them apart)."""
    return DirectDebitItem.objects.filter(status=DirectDebitItem.Status.PENDING)


def collectable_invoices(*, due_by: date, scheme: str) -> QuerySet[Any]:
    """The invoices a run collects: open (balance above zero), due by `due_by`, in euro, of a
    customer with an active mandate of `scheme`; not in dispute (an open dispute of any amount
    keeps the invoice out: the debtor would return the debit), not under an open promise (the
    customer said how it would pay), not in a pending collection already. Oldest due first."""
    active = Mandate.objects.filter(
        customer_id=OuterRef("customer_id"), status=Mandate.Status.ACTIVE, scheme=scheme
    )
    return (
        invoice_rows()
        .filter(balance__gt=0, due_date__lte=due_by, currency=SEPA_CURRENCY)
        .filter(Exists(active))
        .annotate(disputed=open_disputed_subquery())
        .filter(disputed=0)
        .exclude(Exists(promised_invoice_ids_open().filter(invoice=OuterRef("pk"))))
        .exclude(Exists(pending_collections().filter(invoice=OuterRef("pk"))))
        .order_by("due_date", "pk")
    )


def items_of_run(*, run_id: int) -> QuerySet[DirectDebitItem]:
    return item_list().filter(run_id=run_id)
