"""Credit decisions: each check, release and rejection, stored with the figures behind it."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models


class CreditDecision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved"
        ON_HOLD = "on_hold"
        RELEASED = "released"
        REJECTED = "rejected"

    class Rule(models.TextChoices):
        BLOCKED = "blocked"
        OVERDUE = "overdue"
        LIMIT = "limit"
        RISK = "risk"
        WITHIN_LIMIT = "within_limit"
        MANUAL = "manual"

    order = models.ForeignKey("orders.SalesOrder", on_delete=models.CASCADE, related_name="credit_decisions")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="credit_decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rule = models.CharField(max_length=15, choices=Rule.choices)
    reason = models.CharField(max_length=300)
    open_receivables = models.DecimalField(max_digits=18, decimal_places=2)
    open_orders = models.DecimalField(
        max_digits=18, decimal_places=2, help_text="other approved orders not yet invoiced"
    )
    order_total = models.DecimalField(max_digits=18, decimal_places=2)
    exposure = models.DecimalField(max_digits=18, decimal_places=2)
    credit_limit = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    overdue_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["order", "-decided_at"], name="creditdecision_order_latest")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.outcome}"

    @property
    def approved(self) -> bool:
        return self.outcome in (self.Outcome.APPROVED, self.Outcome.RELEASED)


@pghistory.track()  # who moved the threshold, when, from what to what
class CreditSettings(models.Model):
    """The credit check's one settings row (pk 1), a manager's: `risk_threshold` holds the orders
    of customers whose stored risk score is above it (None: risk holds nothing; decision 0067)."""

    risk_threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="hold the orders of customers whose risk score (0–100) is above this; empty: off",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "credit settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="credit_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(risk_threshold__lte=100), name="credit_settings_threshold_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"risk threshold {self.risk_threshold if self.risk_threshold is not None else 'off'}"
