"""Customer notifications: the e-mails the company sends about an order's progress, their
editable templates, and the company's settings for them (docs/decisions/0046)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from notifications.placeholders import template_errors, tracking_url_errors


class Kind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
    ORDER_REVIEW = "order_review", "Order under review"
    SHIPPING_NOTICE = "shipping_notice", "Shipping notice"
    LATE_NOTICE = "late_notice", "Late-shipment notice"
    LATE_NOTICE_INTERNAL = "late_notice_internal", "Late-shipment notice to the sales owner"
    # Receivables (issue 16, decision 0066): a dunning level's tone picks one of three; the
    # collector's e-mail from the worklist sends the statement.
    DUNNING_FRIENDLY = "dunning_friendly", "Payment reminder: friendly"
    DUNNING_FIRM = "dunning_firm", "Payment reminder: firm"
    DUNNING_FINAL = "dunning_final", "Payment reminder: final notice"
    STATEMENT = "statement", "Statement of account from the collector"


SHIPMENT_KINDS = (Kind.SHIPPING_NOTICE, Kind.LATE_NOTICE, Kind.LATE_NOTICE_INTERNAL)
DUNNING_KINDS = (Kind.DUNNING_FRIENDLY, Kind.DUNNING_FIRM, Kind.DUNNING_FINAL)


class NotificationTemplate(models.Model):
    """The subject and plain-text body of one kind of e-mail in one language, with
    `{placeholders}` (notifications/placeholders.py); checked when saved."""

    kind = models.CharField(max_length=30, choices=Kind.choices)
    language = models.CharField(max_length=5)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="notificationtemplate_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"

    def clean(self) -> None:
        errors = template_errors(kind=self.kind, subject=self.subject, body=self.body)
        if errors:
            raise ValidationError(errors)


class Notification(models.Model):
    """One e-mail of one kind about one document (the order, or the shipment for shipping and
    late notices): at most one each, by the constraints; sent through the outbox."""

    kind = models.CharField(max_length=30, choices=Kind.choices)
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="+")
    shipment = models.ForeignKey(
        "fulfillment.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.EmailField()
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "order"],
                condition=Q(shipment__isnull=True),
                name="notification_once_per_order",
            ),
            models.UniqueConstraint(
                fields=["kind", "shipment"],
                condition=Q(shipment__isnull=False),
                name="notification_once_per_shipment",
            ),
            models.CheckConstraint(
                condition=Q(shipment__isnull=True, kind__in=["order_confirmation", "order_review"])
                | Q(shipment__isnull=False, kind__in=[kind.value for kind in SHIPMENT_KINDS]),
                name="notification_document_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"


class NotificationSettings(models.Model):
    """The company's one settings row for notifications (pk 1)."""

    order_review_enabled = models.BooleanField(
        default=False,
        help_text="send the neutral 'we are reviewing your order' note when an order goes on credit hold",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="notification_settings_singleton")]

    def __str__(self) -> str:
        return "notification settings"


class CarrierTracking(models.Model):
    """Where a carrier's parcels are tracked: `url_template` with `{tracking_number}`. A shipment's
    carrier is matched by name, case-insensitively."""

    carrier = models.CharField(max_length=100)
    url_template = models.URLField(max_length=500)

    class Meta:
        ordering = ["carrier"]
        constraints = [models.UniqueConstraint(Lower("carrier"), name="carriertracking_carrier_unique")]

    def __str__(self) -> str:
        return self.carrier

    def clean(self) -> None:
        error = tracking_url_errors(url_template=self.url_template)
        if error:
            raise ValidationError({"url_template": error})
