"""Receivables tasks: Celery finds them here (each concept's tasks live in its package's tasks.py)."""

from receivables.bank.tasks import bank_statement_record  # noqa: F401
from receivables.collections.tasks import promises_check  # noqa: F401
from receivables.dunning.tasks import dunning_daily, dunning_run_execute  # noqa: F401
from receivables.open_items.tasks import aging_rollup_compact  # noqa: F401
