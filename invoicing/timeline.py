"""The customer's invoices and credit notes as timeline rows (o2c.timeline, decision 0067): read by
the customer page's timeline (receivables.collections.timeline)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from invoicing.models import CreditNote, Invoice, InvoiceEvent
from o2c.timeline import timeline_values


def invoicing_timeline(*, customer_id: int) -> list[QuerySet[Any]]:
    """The customer's invoices (issued, then their events) and its credit notes (issued) as timeline
    rows (o2c.timeline)."""
    issued = timeline_values(
        Invoice.objects.filter(customer_id=customer_id),
        source="invoice",
        at=F("created_at"),
        doc=F("pk"),
        number=F("number"),
        event="issued",
        detail=F("due_date"),
        amount=F("total"),
        currency=F("currency"),
    )
    invoices = timeline_values(
        InvoiceEvent.objects.filter(invoice__customer_id=customer_id),
        source="invoice",
        at=F("at"),
        doc=F("invoice_id"),
        number=F("invoice__number"),
        event=F("event"),
        detail=F("detail"),
        amount=F("invoice__total"),
        currency=F("invoice__currency"),
        actor=F("actor__username"),
    )
    credit_notes = timeline_values(
        CreditNote.objects.filter(customer_id=customer_id),
        source="credit_note",
        at=F("created_at"),
        doc=F("pk"),
        number=F("number"),
        event="issued",
        detail=F("reason"),
        amount=F("total"),
        currency=F("currency"),
    )
    return [issued, invoices, credit_notes]
