"""A customer's timeline (issue 16, decision 0067): what was said and done with the customer
(calls, e-mails, notes, promises and what became of them, follow-ups) and what happened to its
documents (orders, invoices, credit notes, payments, disputes, dunning notices), latest first.

Each app gives its rows in one shape (`o2c.timeline`); they are merged in one UNION ALL that
PostgreSQL orders and pages: two statements per page (the count and the page) however long the
history."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.urls import reverse

from invoicing.timeline import invoicing_timeline
from o2c.timeline import timeline_values
from orders.selectors import order_timeline
from receivables.models import (
    Activity,
    Dispute,
    DisputeEvent,
    DunningNotice,
    Payment,
    PaymentEvent,
    Promise,
    PromiseEvent,
)

PAGE_SIZE = 20
SOURCES = {  # source → (label, the URL name of its document's page)
    "activity": ("Activity", None),
    "promise": ("Promise", None),
    "order": ("Order", "orders:detail"),
    "invoice": ("Invoice", "invoicing:detail"),
    "credit_note": ("Credit note", "invoicing:credit-note-detail"),
    "payment": ("Payment", "receivables:payment-detail"),
    "dispute": ("Dispute", "receivables:dispute-detail"),
    "dunning": ("Reminder", None),
}


def _receivables_rows(customer_id: int) -> list[QuerySet[Any]]:
    return [
        timeline_values(
            Activity.objects.filter(customer_id=customer_id),
            source="activity", at=F("created_at"), doc=None, number=None, event=F("kind"),
            detail=F("note"), actor=F("created_by__username"),
        ),
        timeline_values(
            Promise.objects.filter(customer_id=customer_id),
            source="promise", at=F("created_at"), doc=F("pk"), number=None, event="made",
            detail=F("promised_on"), amount=F("amount"), currency=F("currency"), actor=F("created_by__username"),
        ),
        timeline_values(
            PromiseEvent.objects.filter(promise__customer_id=customer_id),
            source="promise", at=F("at"), doc=F("promise_id"), number=None, event=F("event"),
            detail=F("detail"), amount=F("promise__amount"), currency=F("promise__currency"),
            actor=F("actor__username"),
        ),
        timeline_values(
            Payment.objects.filter(customer_id=customer_id),
            source="payment", at=F("created_at"), doc=F("pk"), number=F("number"), event="received",
            detail=F("reference"), amount=F("amount"), currency=F("currency"), actor=F("created_by__username"),
        ),
        timeline_values(
            Dispute.objects.filter(customer_id=customer_id),
            source="dispute", at=F("opened_at"), doc=F("pk"), number=F("invoice__number"), event="opened",
            detail=F("reason"), amount=F("amount"), currency=F("invoice__currency"),
            actor=F("opened_by__username"),
        ),
        timeline_values(
            PaymentEvent.objects.filter(payment__customer_id=customer_id),
            source="payment", at=F("at"), doc=F("payment_id"), number=F("payment__number"), event=F("event"),
            detail=F("detail"), amount=F("payment__amount"), currency=F("payment__currency"),
            actor=F("actor__username"),
        ),
        timeline_values(
            DisputeEvent.objects.filter(dispute__customer_id=customer_id),
            source="dispute", at=F("at"), doc=F("dispute_id"), number=F("dispute__invoice__number"),
            event=F("event"), detail=F("detail"), amount=F("dispute__amount"),
            currency=F("dispute__invoice__currency"), actor=F("actor__username"),
        ),
        timeline_values(
            DunningNotice.objects.filter(customer_id=customer_id),
            source="dunning", at=F("created_at"), doc=F("pk"), number=None, event=F("level__name"),
            detail=None, amount=F("total"), currency=F("currency"),
        ),
    ]  # fmt: skip


def customer_timeline(*, customer_id: int) -> QuerySet[Any]:
    """Every timeline row of the customer, latest first (one UNION ALL query)."""
    first, *rest = [
        *_receivables_rows(customer_id),
        *order_timeline(customer_id=customer_id),
        *invoicing_timeline(customer_id=customer_id),
    ]
    return first.union(*rest, all=True).order_by("-t_at", "-t_doc", "t_source")


def timeline_page(*, customer_id: int, page: Any = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the customer's timeline (two queries: the count and the rows), each row with its
    `label` and `url` (its document's page, where it has one)."""
    paged = Paginator(customer_timeline(customer_id=customer_id), per_page).get_page(page)
    rows = list(paged.object_list)
    for row in rows:
        label, url_name = SOURCES.get(row["t_source"], (row["t_source"], None))
        row["label"] = label
        row["url"] = reverse(url_name, args=[row["t_doc"]]) if url_name and row["t_doc"] else None
    paged.object_list = rows
    return paged
