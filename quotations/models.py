"""Quotations: an offer entered like an order, valid until a date, that the customer accepts
(and it becomes the order) or declines (decision 0053)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from o2c.models import StatusEvent
from pricing.selectors import PriceSource


class Quotation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SENT = "sent"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        EXPIRED = "expired"

    number = models.CharField(max_length=30, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="quotations")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    # units of its currency per base unit on its date (decision 0062; 1 in the base currency)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    quotation_date = models.DateField()
    valid_until = models.DateField()
    requested_delivery_date = models.DateField(null=True, blank=True)
    customer_reference = models.CharField(max_length=100, blank=True)
    ship_to = models.TextField(blank=True)
    net_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    decline_reason = models.CharField(max_length=1000, blank=True)
    order = models.OneToOneField(
        "orders.SalesOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="quotation"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="accepted, declined or expired")
    emailed_at = models.DateTimeField(null=True, blank=True)

    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.DRAFT, Status.SENT),
            (Status.DRAFT, Status.DECLINED),
            (Status.DRAFT, Status.EXPIRED),
            (Status.SENT, Status.ACCEPTED),
            (Status.SENT, Status.DECLINED),
            (Status.SENT, Status.EXPIRED),
        }
    )

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="quotation_status_valid"),
            models.Index(fields=["customer", "status"], name="quotation_customer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("net_total") + F("tax_total")), name="quotation_total_is_net_plus_tax"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("quotation_date")), name="quotation_valid_after_date"
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", order__isnull=False)
                | (~Q(status="accepted") & Q(order__isnull=True)),
                name="quotation_order_iff_accepted",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class QuotationLine(models.Model):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    is_stock = models.BooleanField()
    quantity = models.DecimalField(max_digits=15, decimal_places=3)
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    price_source = models.CharField(max_length=12, choices=PriceSource.choices, default=PriceSource.PRODUCT)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(max_digits=18, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2)
    total_amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["quotation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quotation", "position"], name="quotationline_unique_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quotationline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quotationline_price_not_negative"),
            models.CheckConstraint(
                condition=Q(total_amount=F("net_amount") + F("tax_amount")),
                name="quotationline_total_is_net_plus_tax",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quotation_id}/{self.position}"


class QuotationEvent(StatusEvent):
    """The quotation's timeline: created, edited, sent, accepted (with its order), declined, expired."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.quotation_id} {self.event}"
