"""Exchange rates by date (issue 15, foreign currency): units of a currency per one unit of the
base currency (O2C_BASE_CURRENCY), valid from `valid_on` until the next rate of that currency."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExchangeRate(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Entered"
        ECB = "ecb", "ECB reference rates"

    currency = models.CharField(max_length=3)
    valid_on = models.DateField()
    rate = models.DecimalField(
        max_digits=18, decimal_places=8, help_text="units of the currency per base unit"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="exchange_rate_once_a_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} on {self.valid_on}"
