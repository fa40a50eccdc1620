"""Receivables tasks: Celery finds them here (each area's tasks live in its own module)."""

from receivables.bank_tasks import bank_statement_record  # noqa: F401
from receivables.dunning_tasks import dunning_daily, dunning_run_execute  # noqa: F401
