"""Helpers for tests that run a real Celery worker on the real Redis broker."""

from __future__ import annotations

import os

from o2c.celery import app as celery_app

_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def redis_url_for_tests(base_db: int) -> str:
    """A Redis database of its own per test module and xdist process, so that two worker tests
    running at once never take each other's tasks."""
    return f"redis://127.0.0.1:6379/{base_db - _XDIST_INDEX % 4}"


def broker_use(**conf) -> None:
    """Point this process's Celery app at another broker. Celery caches its connection and
    producer pools, which would otherwise keep publishing to the broker of an earlier test."""
    celery_app.conf.update(**conf)
    # Dropped, not closed: closing a pool that a producer still references makes the next
    # publish fail with "Acquire on closed pool".
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
