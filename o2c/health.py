"""Health of the parts the app needs: the database always, the broker where one is configured."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is the answer, not a crash
        return f"error: {type(error).__name__}"
    return "ok"


def broker_status() -> str:
    """`not configured` without a broker URL; otherwise whether it answers within 2 seconds."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    from kombu import Connection  # type: ignore[attr-defined]  # kombu is not typed

    try:
        with Connection(  # type: ignore[no-untyped-call]
            url, connect_timeout=2, transport_options={"socket_timeout": 2}
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return f"error: {type(error).__name__}"
    return "ok"


def health() -> tuple[bool, dict[str, str]]:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return healthy, {"status": "ok" if healthy else "error", **checks}
