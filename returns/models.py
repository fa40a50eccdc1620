"""Returns (RMA): shipped order lines coming back, requested → received (or cancelled).

A return names the order lines, the quantity of each and whether it goes back on the shelf
(`restock`) or is written off as damaged. Receiving records what actually came back per line
(`quantity_received`), puts the restocked goods back into stock at the cost they left at
(`unit_cost`), and issues the credit notes of what came back (`credit_notes`)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from o2c.models import StatusEvent


class Return(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested"
        RECEIVED = "received"
        CANCELLED = "cancelled"

    number = models.CharField(max_length=30, unique=True)
    order = models.ForeignKey("orders.SalesOrder", on_delete=models.PROTECT, related_name="returns")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="returns")
    # Where the goods come back to: the warehouse they shipped from (the order's).
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    # Printed on the RMA slip and the credit note: customer-facing text.
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_notes = models.ManyToManyField("invoicing.CreditNote", blank=True, related_name="returns")

    TRANSITIONS: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {
            (Status.REQUESTED, Status.RECEIVED),
            (Status.REQUESTED, Status.CANCELLED),
        }
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = "return"

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    rma = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.SalesOrderLine", on_delete=models.PROTECT, related_name="return_lines"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=15, decimal_places=3, help_text="announced")
    restock = models.BooleanField(default=True, help_text="back on the shelf; otherwise damaged, written off")
    quantity_received = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    # The cost per unit it left at (its shipments'), set when received: what goes back to inventory.
    unit_cost = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_received__gte=0, quantity_received__lte=F("quantity")),
                name="returnline_received_within_quantity",
            ),
            models.UniqueConstraint(fields=["rma", "order_line"], name="returnline_unique_order_line"),
        ]

    def __str__(self) -> str:
        return f"{self.rma_id}: {self.quantity} of {self.product_id}"


class ReturnEvent(StatusEvent):
    """The return's timeline: requested, received or cancelled, by whom and when."""

    rma = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"{self.rma_id} {self.event}"
