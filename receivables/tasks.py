"""Receivables tasks: Celery finds them here (each area's tasks live in its own module)."""
