"""Disputes: a customer contests part of an invoice, optionally line by line."""

from __future__ import annotations

from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from o2c.models import StatusEvent

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Dispute(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CREDITED = "credited", "Resolved by credit note"
        REJECTED = "rejected"
        WITHDRAWN = "withdrawn"

    class Reason(models.TextChoices):
        PRICING = "pricing", "Price or discount"
        QUANTITY = "quantity", "Quantity"
        DAMAGED = "damaged", "Damaged goods"
        NOT_RECEIVED = "not_received", "Not received"
        QUALITY = "quality", "Quality"
        OTHER = "other", "Other"

    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="disputes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="disputes")
    amount = models.DecimalField(**_AMOUNT)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Internal: for colleagues only, never on a document, an e-mail, a statement or the journal.
    note = models.TextField(blank=True)
    # What the customer may read: printed on the credit note that resolves the dispute.
    customer_message = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    credit_note = models.ForeignKey(
        "invoicing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )

    # An open dispute is resolved once: credited (a credit note), rejected or withdrawn.
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {(Status.OPEN, Status.CREDITED), (Status.OPEN, Status.REJECTED), (Status.OPEN, Status.WITHDRAWN)}
    )

    class Meta:
        ordering = ["opened_on", "pk"]
        indexes = [
            models.Index(fields=["invoice"], condition=Q(status="open"), name="dispute_open_by_invoice")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="open", resolved_on__isnull=True)
                | ~Q(status="open") & Q(resolved_on__isnull=False),
                name="dispute_resolved_has_date",
            ),
        ]
        triggers = [pgtrigger.Protect(name="dispute_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"dispute {self.pk} on {self.invoice_id}"


class DisputeEvent(StatusEvent):
    """The dispute's status changes: who resolved it, when, how and why."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.event}"


class DisputeLine(models.Model):
    """An invoice line a dispute is about: a quantity of it, or a gross amount of it. A credit note
    resolving the dispute credits these lines at their own tax rates."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey("invoicing.InvoiceLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=15, decimal_places=3, null=True, blank=True)
    amount = models.DecimalField(**_AMOUNT, help_text="gross, tax included")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disputeline_amount_positive"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="disputeline_quantity_positive"
            ),
            models.UniqueConstraint(fields=["dispute", "invoice_line"], name="disputeline_unique_line"),
        ]
        triggers = [pgtrigger.Protect(name="dispute_line_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.dispute_id}/{self.invoice_line_id}: {self.amount}"
