"""Cash: payments received, their allocations to invoices, write-offs and inbound payment
provider notifications."""

from __future__ import annotations

from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from o2c.models import StatusEvent

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        DIRECT_DEBIT = "direct_debit", "Direct debit"
        CARD = "card", "Card"
        CHEQUE = "cheque", "Cheque"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        POSTED = "posted"
        REVERSED = "reversed"

    class Source(models.TextChoices):
        MANUAL = "manual"
        API = "api"
        BANK_STATEMENT = "bank_statement", "Bank statement"
        NOTIFICATION = "notification", "Payment provider"

    number = models.CharField(max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="payments")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**_AMOUNT)
    # Foreign currency (decision 0062): the rate on `received_on` and the amount in base currency
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    amount_base = models.DecimalField(**_AMOUNT, default=0)
    amount_applied = models.DecimalField(**_AMOUNT, default=0)
    amount_refunded = models.DecimalField(**_AMOUNT, default=0)
    unapplied_amount = models.DecimalField(**_AMOUNT)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.BANK_TRANSFER)
    reference = models.CharField(max_length=200, blank=True)
    received_on = models.DateField(db_index=True)
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.POSTED, db_index=True)
    reversed_on = models.DateField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=500, blank=True)
    # The latest date of its cash rows: a payment with nothing unapplied had unapplied cash at a
    # past date only if that date is before this one (aging as of a date skips the rest).
    last_movement_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # A bounced payment is reversed (o2c.states.transition); nothing brings it back.
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset({(Status.POSTED, Status.REVERSED)})

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["customer", "received_on"], name="payment_customer_date"),
            models.Index(
                fields=["customer"], condition=Q(unapplied_amount__gt=0), name="payment_with_unapplied_cash"
            ),
            models.Index(
                fields=["last_movement_on", "received_on"],
                include=["id", "customer"],
                condition=Q(unapplied_amount=0),
                name="payment_used_by_date",
            ),
            models.Index(
                fields=["received_on"],
                include=["id", "customer"],
                condition=Q(unapplied_amount__gt=0),
                name="payment_unapplied_by_date",
            ),
            models.Index(
                fields=["reversed_on"],
                condition=Q(reversed_on__isnull=False),
                name="payment_reversed_by_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0, amount_refunded__gte=0, unapplied_amount__gte=0),
                name="payment_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="posted",
                        unapplied_amount=F("amount") - F("amount_applied") - F("amount_refunded"),
                    )
                    | Q(status="reversed", amount_applied=0, amount_refunded=0, unapplied_amount=0)
                ),
                name="payment_unapplied_is_amount_less_applied_and_refunded",
            ),
        ]
        triggers = [pgtrigger.Protect(name="payment_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.number


class PaymentEvent(StatusEvent):
    """The payment's status changes: who reversed it, when, and why."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.payment_id} {self.event}"


class AllocationReason(models.TextChoices):
    """Why a part of a payment went to an invoice: the one list of reasons, for payments applied
    automatically (receivables/cash/allocation.py), bank statement lines (receivables/bank/
    matching.py maps its findings into it) and the clerk's own choice (decision 0045)."""

    INVOICE_NUMBER_IN_REFERENCE = "invoice_number_in_reference", "Invoice number in the reference"
    OLDEST_DUE = "oldest_due", "Oldest due first"
    AMOUNT_MATCHES_ONE_INVOICE = "amount_matches_one_invoice", "Amount matches this invoice only"
    MANUAL = "manual", "Chosen by hand"
    DIRECT_DEBIT = "direct_debit", "Collected by direct debit"


class Allocation(models.Model):
    """Part of a payment applied to an invoice; a reversal dates it, never deletes it. `reason`
    says why it went to that invoice (blank for allocations made before reasons were kept)."""

    Reason = AllocationReason

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**_AMOUNT)
    # In base currency (decision 0062): what it took off the invoice's base balance (at the
    # invoice's rate) and off the payment's unapplied base (at the payment's rate); their
    # difference is the realised exchange gain (+) or loss (−). Both equal `amount` in base.
    amount_base = models.DecimalField(**_AMOUNT, default=0)
    payment_base = models.DecimalField(**_AMOUNT, default=0)
    applied_on = models.DateField()
    reversed_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=30, choices=AllocationReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive")]
        triggers = [pgtrigger.Protect(name="allocation_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class WriteOff(models.Model):
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="write_offs")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="write_offs")
    amount = models.DecimalField(**_AMOUNT)
    reason = models.CharField(max_length=500)
    written_off_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_off_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive")]
        triggers = [
            pgtrigger.Protect(name="write_off_immutable", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"write-off {self.amount} on {self.invoice_id}"


class PaymentNotification(models.Model):
    """An inbound payment provider event, recorded once by its id."""

    event_id = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notification"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class CashDiscount(models.Model):
    """The part of a cash discount a payment took on an invoice at one tax rate (decision 0056):
    `net` to sales discounts, `tax` off the output tax. A reversal of the payment dates it
    (`reversed_on`), never deletes it; the VAT report reads these rows by date and rate."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="cash_discounts")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    taken_on = models.DateField(db_index=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(**_AMOUNT)
    tax_amount = models.DecimalField(**_AMOUNT)
    reversed_on = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(net_amount__gte=0, tax_amount__gte=0)
                & (Q(net_amount__gt=0) | Q(tax_amount__gt=0)),
                name="cash_discount_positive",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="cash_discount_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    "payment", "invoice", "taken_on", "tax_rate", "net_amount", "tax_amount"
                ),
            ),
            pgtrigger.Protect(name="cash_discount_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"discount {self.net_amount}+{self.tax_amount} on {self.invoice_id}"
