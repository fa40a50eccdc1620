"""Customers: who buys, on which terms, with how much credit."""

from __future__ import annotations

import pghistory
from django.db import models


@pghistory.track()  # every change, credit limit and blocked flag included, lands in the audit trail
class Customer(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    email = models.EmailField(help_text="billing address for invoices, statements and dunning letters")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    credit_limit = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, help_text="empty means unlimited"
    )
    blocked = models.BooleanField(default=False)
    dunning_enabled = models.BooleanField(default=True)
    tax_exempt = models.BooleanField(default=False)
    vat_number = models.CharField(max_length=30, blank=True)
    billing_address = models.TextField(blank=True)
    shipping_address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [("change_credit_terms", "Can change credit limit, blocked and dunning flags")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="customer_credit_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
