"""Price lists: a customer's prices in its currency, with quantity breaks and validity dates
(decision 0054). A customer carries at most one list (`customers.Customer.price_list`); several
customers may share one, which is how a group of customers gets the same prices."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class PriceList(models.Model):
    name = models.CharField(max_length=100, unique=True)
    currency = models.CharField(max_length=3)
    valid_from = models.DateField(null=True, blank=True, help_text="empty: since always")
    valid_to = models.DateField(null=True, blank=True, help_text="empty: open-ended; inclusive")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="pricelist_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    """The price of a product from `min_quantity` units per line on (a quantity break)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    min_quantity = models.DecimalField(max_digits=15, decimal_places=3, default=0)
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["price_list", "product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"], name="pricelistitem_unique_break"
            ),
            models.CheckConstraint(condition=Q(min_quantity__gte=0), name="pricelistitem_min_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="pricelistitem_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}/{self.product_id}≥{self.min_quantity}"
