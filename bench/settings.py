"""The settings gunicorn runs under in a benchmark: O2C's production settings unchanged, plus the
ceiling (bench/ceiling/), a lean view of the intake transaction at `/bench/ceiling/orders/`.

The product never loads this module: bench/ceiling is not in o2c.settings' INSTALLED_APPS and its
URL exists only here (decision 0049).
"""

from o2c.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.ceiling"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
# The ceiling does without pghistory's per-statement context; every other path keeps it.
MIDDLEWARE = [
    "bench.ceiling.middleware.HistoryMiddleware" if name == "pghistory.middleware.HistoryMiddleware" else name
    for name in MIDDLEWARE  # noqa: F405
]
