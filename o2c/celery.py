"""The Celery app. Configuration is in settings (CELERY_*), the beat schedule included."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2c.settings")


class O2CTask(Task):
    """At-least-once work: retried with exponential backoff on transient errors."""

    autoretry_for = (ConnectionError, TimeoutError, OSError)
    retry_backoff = 30
    retry_backoff_max = 3600
    retry_jitter = True
    max_retries = 8


app = Celery("o2c", task_cls=O2CTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
