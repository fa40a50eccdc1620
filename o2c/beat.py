"""Celery beat's schedule (CELERY_BEAT_SCHEDULE in o2c/settings.py): every periodic task, when it
runs and why. Each task is safe to run twice."""

from datetime import timedelta

from celery.schedules import crontab

SCHEDULE = {
    # The safety net of the outbox: messages whose on-commit relay was lost are picked up here.
    "outbox-relay": {"task": "o2c.tasks.outbox_relay", "schedule": timedelta(minutes=1)},
    "idempotency-purge": {"task": "o2c.tasks.idempotency_purge", "schedule": crontab(minute=17)},
    # The counter rows of this year's and next year's invoice, credit note, payment and journal
    # numbers, long before the first document of the year (safe to repeat).
    "number-series-prepare": {
        "task": "o2c.tasks.number_series_prepare",
        "schedule": crontab(hour=1, minute=7),
    },
    "late-flags": {"task": "fulfillment.tasks.late_flags_refresh", "schedule": crontab(minute=5)},
    # The safety net of webhook deliveries: due ones whose on-commit task was lost.
    "webhook-deliveries": {
        "task": "webhooks.tasks.webhook_deliveries_send",
        "schedule": timedelta(minutes=1),
    },
    # Invoices open after their due date become overdue, once each (safe to repeat).
    "invoices-overdue": {
        "task": "invoicing.tasks.invoices_flag_overdue",
        "schedule": crontab(hour=0, minute=5),
    },
    "backorders-refill": {
        "task": "fulfillment.tasks.backorders_refill_all",
        "schedule": timedelta(minutes=10),
    },
    # Promises to pay: kept when paid, broken the day after their date (before the dunning run,
    # so that a broken promise's invoices are reminded the same morning).
    "promises-check": {
        "task": "receivables.collections.tasks.promises_check",
        "schedule": crontab(hour=0, minute=25),
    },
    # Every customer's risk score stored again (after the promises check: broken promises count),
    # read by the credit check, the hold queue and the worklist (decision 0067).
    "risk-scores": {
        "task": "receivables.collections.tasks.risk_scores_refresh",
        "schedule": crontab(hour=0, minute=40),
    },
    # Today's dunning notices, before the office opens (safe to repeat: one notice a day per customer).
    "dunning-daily": {
        "task": "receivables.dunning_tasks.dunning_daily",
        "schedule": crontab(hour=6, minute=30),
    },
    # The KPIs of the day that just ended, for trends (an upsert per date: safe to repeat).
    "kpi-snapshot-nightly": {
        "task": "reporting.tasks.kpi_snapshot_nightly",
        "schedule": crontab(hour=0, minute=15),
    },
    "quotations-expire": {  # not accepted by their date: expired (safe to repeat)
        "task": "quotations.tasks.quotations_expire",
        "schedule": crontab(hour=0, minute=9),
    },
    # The aging rollup's rows of the day merged per key (receivables/open_items/models.py), before
    # the KPI snapshot reads it.
    "aging-rollup-compact": {
        "task": "receivables.open_items.tasks.aging_rollup_compact",
        "schedule": crontab(hour=0, minute=10),
    },
    # The daily report e-mail to its subscribers (once per subscriber and date).
    "daily-report": {"task": "reporting.tasks.daily_report_send", "schedule": crontab(hour=7, minute=0)},
}
