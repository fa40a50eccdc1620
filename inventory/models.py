"""Products, warehouses, stock levels and the stock-move ledger whose sum is `on_hand`."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q


@pghistory.track()
class Product(models.Model):
    class Kind(models.TextChoices):
        STOCK = "stock"
        SERVICE = "service"

    sku = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STOCK)
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="percent, e.g. 19.00")
    standard_cost = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, standard_cost__gte=0, tax_rate__gte=0, tax_rate__lte=100),
                name="product_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def is_stock(self) -> bool:
        """Stock goods are reserved, picked and shipped; services are only invoiced."""
        return self.kind == self.Kind.STOCK


class Warehouse(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class StockLevel(models.Model):
    """What a warehouse holds of a product; `reserved` is promised to orders."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stock_levels")
    on_hand = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    reserved = models.DecimalField(max_digits=15, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="stocklevel_unique_product_warehouse"
            ),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stocklevel_reserved_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stocklevel_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class StockMove(models.Model):
    """One change of `on_hand`: receipts in (+), shipments out (−), customer returns back in (+),
    counted adjustments (±)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt"
        ISSUE = "issue"
        RETURN = "return"
        ADJUSTMENT = "adjustment"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="moves")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity = models.DecimalField(max_digits=15, decimal_places=3)
    reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "warehouse"], name="stockmove_product_warehouse")]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stockmove_quantity_not_zero")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} of {self.product_id}@{self.warehouse_id}"
