"""reporting: the nightly KPI snapshots and the daily report's subscriptions and deliveries.

The reports themselves are computed from the other apps' tables (reporting/aging.py, dso.py,
kpis.py); these tables only keep what must be remembered: a day's KPIs, so that trends cost one
indexed read (reporting/snapshots.py), and who gets the daily e-mail report and which day's report
each has already been sent (reporting/subscriptions/daily_report.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

MONEY = {"max_digits": 18, "decimal_places": 2}
RATIO = {"max_digits": 10, "decimal_places": 1}  # days and percentages, one decimal as kpis() rounds


class KpiSnapshot(models.Model):
    """The KPIs of `reporting.kpis.kpis(as_of=date, days=days)` as they stood when taken: one row
    per date. Retaking a date overwrites its figures (and `computed_at`)."""

    date = models.DateField(unique=True)
    days = models.PositiveSmallIntegerField(help_text="length of the DSO/CEI/cycle-time window")
    dso = models.DecimalField(**RATIO, null=True, blank=True)
    countback_dso = models.DecimalField(**RATIO, null=True, blank=True)
    cei = models.DecimalField(**RATIO, null=True, blank=True, help_text="percent")
    average_days_delinquent = models.DecimalField(**RATIO, null=True, blank=True)
    receivables = models.DecimalField(**MONEY)
    overdue = models.DecimalField(**MONEY)
    overdue_percent = models.DecimalField(**RATIO, null=True, blank=True)
    disputed = models.DecimalField(**MONEY)
    unapplied = models.DecimalField(**MONEY)
    credit_sales = models.DecimalField(**MONEY)
    o2c_cycle_days_median = models.DecimalField(**RATIO, null=True, blank=True)
    o2c_cycle_days_p90 = models.DecimalField(**RATIO, null=True, blank=True)
    on_time_delivery_rate = models.DecimalField(**RATIO, null=True, blank=True, help_text="percent")
    orders_on_hold = models.PositiveIntegerField()
    orders_on_hold_value = models.DecimalField(**MONEY)
    aging_current = models.DecimalField(**MONEY, default=0)
    aging_1_30 = models.DecimalField(**MONEY, default=0)
    aging_31_60 = models.DecimalField(**MONEY, default=0)
    aging_61_90 = models.DecimalField(**MONEY, default=0)
    aging_over_90 = models.DecimalField(**MONEY, default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"KPIs of {self.date}"


class ReportSubscription(models.Model):
    """A user who wants the daily report by e-mail (at most one subscription per user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"daily report for user {self.user_id} ({'active' if self.active else 'inactive'})"


class ReportDelivery(models.Model):
    """One daily report sent (or being sent, through the outbox) to one user.

    A scheduled report is recorded at most once per user and report date (the unique constraint),
    so a second run of the daily task sends nothing. Reports asked for on the subscription page
    ("send me the report now") are recorded too, without that limit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report_date = models.DateField(help_text="the date whose figures the report shows")
    scheduled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "report_date"],
                condition=models.Q(scheduled=True),
                name="report_delivery_once_a_day",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="report_delivery_user_recent")]

    def __str__(self) -> str:
        return f"report of {self.report_date} to user {self.user_id}"
