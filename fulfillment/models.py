"""Shipments: allocated quantities going through picking → packed → shipped → delivered."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from o2c.models import DrawnNumberField, StatusEvent


class Shipment(models.Model):
    class Status(models.TextChoices):
        PICKING = "picking"
        PACKED = "packed"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        CANCELLED = "cancelled"

    number = DrawnNumberField(max_length=30, unique=True)
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="shipments")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="shipments")
    # Where it goes, fixed when the pick list is made: the order's ship-to, else the customer's
    # shipping, else billing address (orders.selectors.order_delivery_address).
    ship_to = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PICKING, db_index=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False, help_text="shipped and past its estimated delivery")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who moved it through the warehouse, and when it was packed (shipped_at, delivered_at above).
    packed_at = models.DateTimeField(null=True, blank=True)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The allowed status changes (STYLE.md rule 3, o2c.states.transition).
    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.PICKING, Status.PACKED),
            (Status.PACKED, Status.SHIPPED),
            (Status.SHIPPED, Status.DELIVERED),
            (Status.PICKING, Status.CANCELLED),
            (Status.PACKED, Status.CANCELLED),
        }
    )

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["estimated_delivery"], name="shipment_in_transit", condition=Q(status="shipped")
            ),
            # on-time delivery and order-to-ship reports by period
            models.Index(
                fields=["delivered_at"],
                include=["order", "estimated_delivery"],
                condition=Q(delivered_at__isnull=False),
                name="shipment_delivered",
            ),
            models.Index(
                fields=["shipped_at"],
                include=["order"],
                condition=Q(shipped_at__isnull=False),
                name="shipment_shipped",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=15, decimal_places=3)
    # The product's standard cost when it shipped (cost of goods sold); a return puts goods back
    # at it. Empty on lines shipped before it was kept (the product's cost then stands in).
    unit_cost = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipmentline_unique_order_line"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.quantity} of {self.product_id}"


class ShipmentEvent(StatusEvent):
    """The shipment's timeline: picked, packed, shipped, delivered or cancelled, by whom and when."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.event}"
