"""Collections: what a collector does with a customer (activities: calls, e-mails, notes with a
follow-up date) and what the customer promised (a promise to pay an amount by a date, for some of
its invoices or for its account as a whole)."""

from __future__ import annotations

from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from o2c.models import StatusEvent

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Activity(models.Model):
    """One contact with a customer or a note about it, on its timeline; `follow_up_on` puts the
    customer back on the collector's list that day."""

    class Kind(models.TextChoices):
        CALL = "call"
        EMAIL = "email", "E-mail"
        NOTE = "note"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField()
    follow_up_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="activity_customer_recent"),
            models.Index(
                fields=["follow_up_on"], condition=Q(follow_up_on__isnull=False), name="activity_follow_up"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="activity_immutable", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id} {self.created_at:%Y-%m-%d}"


class Promise(models.Model):
    """A promise to pay `amount` by `promised_on`: kept when payments applied to its invoices (to
    the customer's account when it names none) recorded after it was made and dated by that date cover
    the amount, broken the day after otherwise; cancelled by finance. While open, its invoices
    get no reminder."""

    class Status(models.TextChoices):
        OPEN = "open"
        KEPT = "kept"
        BROKEN = "broken"
        CANCELLED = "cancelled"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**_AMOUNT)
    currency = models.CharField(max_length=3)
    made_on = models.DateField()
    promised_on = models.DateField()
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    settled_on = models.DateField(null=True, blank=True, help_text="the day it was found kept or broken")
    paid = models.DecimalField(**_AMOUNT, default=0, help_text="what was paid towards it when settled")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {(Status.OPEN, Status.KEPT), (Status.OPEN, Status.BROKEN), (Status.OPEN, Status.CANCELLED)}
    )

    class Meta:
        ordering = ["promised_on", "pk"]
        indexes = [
            models.Index(fields=["customer", "status"], name="promise_customer_status"),
            models.Index(fields=["promised_on"], condition=Q(status="open"), name="promise_open_by_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(promised_on__gte=models.F("made_on")), name="promise_after_made"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "cancelled"], settled_on__isnull=True)
                | Q(status__in=["kept", "broken"], settled_on__isnull=False),
                name="promise_settled_has_date",
            ),
        ]
        triggers = [pgtrigger.Protect(name="promise_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"promise {self.pk}: {self.amount} by {self.promised_on}"


class PromiseInvoice(models.Model):
    promise = models.ForeignKey(Promise, on_delete=models.PROTECT, related_name="promised_invoices")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["promise", "invoice"], name="promise_invoice_once")]
        indexes = [models.Index(fields=["invoice"], name="promise_invoice_by_invoice")]

    def __str__(self) -> str:
        return f"{self.promise_id}/{self.invoice_id}"


class PromiseEvent(StatusEvent):
    """The promise's status changes: kept, broken (by the nightly check) or cancelled (by whom, why)."""

    promise = models.ForeignKey(Promise, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.promise_id} {self.event}"


class CollectorAssignment(models.Model):
    """Who collects from a customer (a finance user): the worklist's `owner`."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["collector"], name="collector_customers")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.collector_id}"


class RiskScore(models.Model):
    """The customer's risk as last computed (`receivables.collections.risk`): nightly for every
    customer and after each of its payments. The credit check, the hold queue, the worklist and
    the customer page read this row; none computes the score (decision 0067)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    factors = models.JSONField(help_text="each factor's key, label, figure, points, cap and rule")
    summary = models.CharField(max_length=200, help_text="the factors that weigh most, in words")
    as_of = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="risk_score_at_most_100")]
        indexes = [models.Index(fields=["score"], name="risk_score_by_score")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"


class CheckoutSession(models.Model):
    """A hosted checkout a provider opened for an invoice (Stripe Checkout): what the relay of its
    `checkout.session.completed` event compares with (decision 0067)."""

    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255)
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**_AMOUNT)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "session_id"], name="checkout_session_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.session_id}"


class ActivityEmail(models.Model):
    """The e-mail a collector sent from the worklist (decision 0066), kept with its activity: what
    was written, to whom, the statement PDF as attached, and when the outbox sent it."""

    activity = models.OneToOneField(Activity, on_delete=models.PROTECT, related_name="email")
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    attachment = models.FileField(upload_to="collections/%Y/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        triggers = [pgtrigger.Protect(name="activity_email_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"
