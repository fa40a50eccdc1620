"""Helpers for tests that run a real Celery worker on the real Redis broker."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from o2c.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def redis_url_for_tests(base_db: int) -> str:
    """A Redis database of its own per test module and xdist process, so that two worker tests
    running at once never take each other's tasks: `base_db` down to `base_db - 3`, so the bases of
    two modules lie at least 4 apart (15, 11, 7)."""
    return f"redis://127.0.0.1:6379/{base_db - _XDIST_INDEX % 4}"


def broker_use(**conf) -> None:
    """Point this process's Celery app at another broker. Celery caches its connection and
    producer pools, which would otherwise keep publishing to the broker of an earlier test."""
    celery_app.conf.update(**conf)
    # Dropped, not closed: closing a pool that a producer still references makes the next
    # publish fail with "Acquire on closed pool".
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def real_worker(
    *, broker_url: str, name: str, env: dict[str, str] | None = None, purge: bool = True
) -> Iterator[subprocess.Popen]:
    """A Celery worker process on the test database and `broker_url`, with this process queueing
    to the same broker for as long as it runs. `env` adds to or overrides the worker's settings;
    `purge=False` keeps the tasks queued before it starts (a worker started again after a stop)."""
    from django.db import connection

    database = connection.settings_dict
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2c.settings_test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": broker_url,
        "O2C_TASKS_EAGER": "false",
        **(env or {}),
    }
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    broker_use(task_always_eager=False, broker_url=broker_url)
    if purge:
        celery_app.control.purge()
    command = [sys.executable, "-m", "celery", "-A", "o2c", "worker", "--pool=solo", "--loglevel=info",
               "--without-mingle", "--without-gossip", "--hostname", f"{name}-{os.getpid()}@%h"]  # fmt: skip
    worker = subprocess.Popen(
        command, cwd=ROOT, env=worker_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        broker_use(**previous)
        print(output[-4000:])
