"""An import: the uploaded file, its dry run's result, then the real run's (STACK.md: job
outcomes live in domain tables). Long files are checked and imported by a Celery task that
advances `rows_done` towards `rows_total`, which the page shows as a bar."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from o2c.models import StatusEvent


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        CUSTOMERS = "customers"
        PRODUCTS = "products"
        STOCK = "stock", "Opening stock"
        OPEN_INVOICES = "open-invoices", "Open invoices"

    class Status(models.TextChoices):
        CHECKING = "checking"  # the dry run is under way
        CHECKED = "checked"  # the dry run's result is in: errors, or what the import would do
        IMPORTING = "importing"
        IMPORTED = "imported"
        FAILED = "failed"  # the real run found an error and wrote nothing

    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.CHECKING, Status.CHECKED),
            (Status.CHECKED, Status.IMPORTING),
            (Status.IMPORTING, Status.IMPORTED),
            (Status.IMPORTING, Status.FAILED),
            (Status.CHECKING, Status.FAILED),  # the task broke off
        }
    )

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    file = models.FileField(upload_to="imports/%Y/")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "field", "message"}]
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.kind})"


class ImportBatchEvent(StatusEvent):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.batch_id} {self.event}"
