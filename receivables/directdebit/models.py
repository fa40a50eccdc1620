"""Direct debits (decision 0065): SEPA mandates on customers, collection runs that write a pain.008
file, and the collection of each invoice in a run until the bank statement settles or returns it."""

from __future__ import annotations

from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from o2c.models import StatusEvent

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Mandate(models.Model):
    """A customer's SEPA direct-debit mandate: its unique reference, the date the debtor signed
    it, the debtor's name and account (IBAN checked, BIC derived or entered), the scheme and
    the sequence the next collection carries (FRST until a run has collected once, then RCUR).
    Active until revoked; a customer has at most one active mandate."""

    class Scheme(models.TextChoices):
        CORE = "CORE", "Core"
        B2B = "B2B", "Business to business"

    class Sequence(models.TextChoices):
        FIRST = "FRST", "First"
        RECURRING = "RCUR", "Recurring"

    class Status(models.TextChoices):
        ACTIVE = "active"
        REVOKED = "revoked"

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=35, unique=True)
    signed_on = models.DateField()
    debtor_name = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    scheme = models.CharField(max_length=4, choices=Scheme.choices, default=Scheme.CORE)
    sequence = models.CharField(max_length=4, choices=Sequence.choices, default=Sequence.FIRST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revoked_on = models.DateField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset({(Status.ACTIVE, Status.REVOKED)})

    class Meta:
        ordering = ["customer", "-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status="active"), name="mandate_one_active_per_customer"
            ),
            models.CheckConstraint(
                condition=Q(status="active", revoked_on__isnull=True)
                | Q(status="revoked", revoked_on__isnull=False),
                name="mandate_revoked_has_date",
            ),
        ]
        triggers = [pgtrigger.Protect(name="mandate_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.reference


class MandateEvent(StatusEvent):
    """A mandate's status changes: revoked, by whom (or by a returned debit) and why."""

    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.mandate_id} {self.event}"


class DirectDebitRun(models.Model):
    """One collection run: the invoices due by `due_by` of customers with an active mandate,
    to be collected on `collection_date`, and the pain.008 file sent to the bank for them."""

    number = models.CharField(max_length=30, unique=True)
    due_by = models.DateField()
    collection_date = models.DateField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**_AMOUNT)
    items_count = models.PositiveIntegerField()
    message_id = models.CharField(max_length=35, unique=True)
    file_name = models.CharField(max_length=100)
    xml = models.TextField()  # the pain.008 file as sent, validated against its XSD
    schema = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="dd_run_total_positive")]
        triggers = [pgtrigger.Protect(name="dd_run_immutable", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.number


class DirectDebitItem(models.Model):
    """One invoice collected in a run: pending until the bank statement credits it (settled,
    with its payment) or returns it (returned, with the bank's reason). While pending the invoice
    is "collection pending": dunning skips it and the worklist shows it apart. An invoice is in
    at most one pending collection (the partial unique constraint backs the run's lock)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Collection pending"
        SETTLED = "settled"
        RETURNED = "returned"

    run = models.ForeignKey(DirectDebitRun, on_delete=models.PROTECT, related_name="items")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="items")
    amount = models.DecimalField(**_AMOUNT)
    currency = models.CharField(max_length=3)
    sequence = models.CharField(max_length=4, choices=Mandate.Sequence.choices)
    end_to_end_id = models.CharField(max_length=35, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payment = models.ForeignKey(
        "receivables.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_code = models.CharField(max_length=10, blank=True)
    return_reason = models.CharField(max_length=300, blank=True)

    # A return may come before the credit was recorded (the debit never reached the account).
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.PENDING, Status.SETTLED),
            (Status.PENDING, Status.RETURNED),
            (Status.SETTLED, Status.RETURNED),
        }
    )

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(status="pending"), name="dd_item_one_pending_per_invoice"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dd_item_amount_positive"),
        ]
        indexes = [models.Index(fields=["customer", "status"], name="dd_item_customer_status")]
        triggers = [pgtrigger.Protect(name="dd_item_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.end_to_end_id


class DirectDebitItemEvent(StatusEvent):
    """A collection's status changes: settled by which statement line, returned with which reason."""

    item = models.ForeignKey(DirectDebitItem, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.item_id} {self.event}"
