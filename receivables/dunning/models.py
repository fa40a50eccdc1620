"""Dunning: reminder levels, runs, the notices they send and the invoices on each."""

from __future__ import annotations

from django.conf import settings
from django.db import models

_AMOUNT = {"max_digits": 18, "decimal_places": 2}


class DunningLevel(models.Model):
    """A reminder level: reached `days_overdue` days after the due date, with its own letter, and
    a tone that picks the e-mail template (in the customer's language, on the notifications page)."""

    class Tone(models.TextChoices):
        FRIENDLY = "friendly", "Friendly reminder"
        FIRM = "firm", "Firm reminder"
        FINAL = "final", "Final notice"

    level = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    days_overdue = models.PositiveSmallIntegerField(unique=True)
    subject = models.CharField(max_length=200)
    letter_template = models.TextField(
        help_text="Django template text of the letter; context: customer, invoices, total, level, company, as_of"
    )
    blocks_customer = models.BooleanField(default=False, help_text="block new orders at this level")
    tone = models.CharField(
        max_length=10,
        choices=Tone.choices,
        default=Tone.FRIENDLY,
        help_text="the e-mail's template: friendly, firm or final (edited per language on the notifications page)",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class DunningRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    customers_total = models.PositiveIntegerField(default=0)
    customers_done = models.PositiveIntegerField(default=0)
    notices_sent = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"dunning run {self.pk} as of {self.as_of}"


class DunningNotice(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="dunning_notices"
    )
    level = models.ForeignKey(DunningLevel, on_delete=models.PROTECT, related_name="notices")
    run = models.ForeignKey(
        DunningRun, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    as_of = models.DateField()
    total = models.DecimalField(**_AMOUNT)
    currency = models.CharField(max_length=3)
    pdf = models.FileField(upload_to="dunning/%Y/", blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "level", "as_of"], name="dunning_notice_once_a_day")
        ]

    def __str__(self) -> str:
        return f"notice {self.pk}: {self.customer_id} level {self.level_id}"


class DunningNoticeLine(models.Model):
    """An invoice on a notice; an invoice reaches each level once."""

    notice = models.ForeignKey(DunningNotice, on_delete=models.PROTECT, related_name="lines")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(DunningLevel, on_delete=models.PROTECT, related_name="+")
    balance = models.DecimalField(**_AMOUNT)
    disputed = models.DecimalField(**_AMOUNT, default=0)
    days_overdue = models.PositiveIntegerField()

    class Meta:
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="dunning_invoice_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.invoice_id}"
