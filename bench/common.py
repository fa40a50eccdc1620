"""What every benchmark of BENCH_PROTOCOL shares: the scratch environment (database, gunicorn,
Celery worker on Redis), the closed-loop HTTP clients, the machine line and the JSON output.

The harness (`bench/run.py`) builds the environment once and passes it on through the
environment variables below; a script run alone builds its own with `environment()`.

    DATABASE_URL         the scratch database, migrated, with the demo data
    O2C_BENCH_BASE_URL   gunicorn on that database (bench.settings: O2C plus the ceiling view)
    REDIS_URL            the Redis of the Celery worker (CELERY_BROKER_URL the same)
    O2C_BENCH_QUICK=1    a smoke run: seconds instead of minutes
    O2C_BENCH_PEER=1     `make bench-peer`: measure the ceiling (and the peer) too
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.load import Http as Http  # for the scripts
from bench.load import closed_loop as closed_loop
from bench.load import percentile as percentile

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
# On a fresh clone without REDIS_URL the bench uses the local Redis, in a database number of its
# own, so it never mixes its queue with a development server's or the tests'.
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
GUNICORN_WORKERS = 3  # as the measurement


def log(message: str) -> None:
    print(f"[{datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def quick() -> bool:
    return os.environ.get("O2C_BENCH_QUICK") == "1"


def peer() -> bool:
    return os.environ.get("O2C_BENCH_PEER") == "1"


def server_url() -> str:
    """The PostgreSQL server: BENCH_DATABASE_SERVER, else DATABASE_URL's server, else the local one."""
    if os.environ.get("BENCH_DATABASE_SERVER"):
        return os.environ["BENCH_DATABASE_SERVER"].rstrip("/")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return DEFAULT_SERVER


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS


def bench_env(*, database_url: str, redis: str, base_url: str = "", media_root: str = "") -> dict[str, str]:
    """The environment of gunicorn, the worker and in-process scripts: production settings
    (DEBUG off) with the ceiling's URL (bench.settings)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
        "EMAIL_URL": "dummymail://",  # the e-mails are rendered and "sent", not printed
        "MEDIA_ROOT": media_root
        or os.environ.get("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "o2c-bench-media")),
        "PYTHONPATH": str(ROOT),
        **({"O2C_BENCH_BASE_URL": base_url} if base_url else {}),
    }


# --- the database ----------------------------------------------------------------------------------


def psql_admin(server: str, statement: str) -> None:
    import psycopg2  # the project's driver

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def database_create(server: str, name: str) -> str:
    psql_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql_admin(server, f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# --- the servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_http(url: str, seconds: float = 60) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /healthz within {seconds} s")


def gunicorn_start(env: dict[str, str], port: int, workers: int = GUNICORN_WORKERS) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "o2c.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
            "--keep-alive", "30", "--timeout", "120", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip


def celery_start(env: dict[str, str], logfile: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "o2c", "worker", "--loglevel=WARNING", "--concurrency=1",
         "--without-gossip", "--without-mingle", "-n", f"bench-{os.getpid()}@%h", "--logfile", str(logfile)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def redis_ping(url: str) -> bool:
    import redis  # Celery's Redis client, in the lock

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:
        return False


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def environment(*, database: str | None = None, fresh: bool = True) -> Iterator[dict[str, str]]:
    """A migrated scratch database with the demo data, gunicorn (3 sync workers) and a Celery
    worker on Redis; yields the environment to pass to the scripts. Everything it started is
    stopped on the way out."""
    database = database or os.environ.get("BENCH_DATABASE") or "o2c_bench"
    fresh = fresh and os.environ.get("BENCH_KEEP") != "1"  # BENCH_KEEP=1: the database of the last run
    server, redis = server_url(), redis_url()
    if not redis_ping(redis):
        raise RuntimeError(
            f"Redis does not answer at {redis} (set REDIS_URL, or run scripts/ensure-services.sh)"
        )
    database_url = f"{server}/{database}"
    env = bench_env(database_url=database_url, redis=redis)
    if fresh:
        log(f"scratch database {database}: create, migrate, demo data")
        database_create(server, database)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = bench_env(database_url=database_url, redis=redis, base_url=base_url)
    logdir = Path(tempfile.mkdtemp(prefix="o2c-bench-"))
    web = worker = None
    try:
        web = gunicorn_start(env, port)
        worker = celery_start(env, logdir / "celery.log")
        wait_http(base_url)
        log(
            f"gunicorn ({GUNICORN_WORKERS} sync workers) on {base_url}, Celery worker on {redis} (log {logdir})"
        )
        yield env
    finally:
        stop(web)
        stop(worker)


@contextlib.contextmanager
def script_environment() -> Iterator[dict[str, str]]:
    """The harness's environment when it runs the script, else one of the script's own."""
    if os.environ.get("O2C_BENCH_BASE_URL"):
        yield dict(os.environ)
        return
    with environment() as env:
        os.environ.update(env)
        yield env


def django_setup() -> None:
    """In-process work on the harness's database (bench.settings, DATABASE_URL)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


# --- the machine -----------------------------------------------------------------------------------


def machine(server: str | None = None) -> dict[str, str]:
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    postgres = ""
    with contextlib.suppress(Exception):
        import psycopg2

        connection = psycopg2.connect(f"{server or server_url()}/postgres")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = "PostgreSQL " + cursor.fetchone()[0].split()[0]
        connection.close()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "nproc": str(os.cpu_count()),
        "memory": memory,
        "postgres": postgres,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + ("+changes" if dirty else ""),
        "load": load,
    }


def machine_line(info: dict[str, str]) -> str:
    return (
        f"{info['nproc']} cores, {info['memory']} memory, {info['postgres']}, Python {info['python']}, "
        f"{info['date']}, commit {info['commit']}, load average at the start {info['load']}"
    )


# --- output ----------------------------------------------------------------------------------------


class Results:
    """The measurements of one run, written as BENCH_PROTOCOL's JSON list."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.rows: list[dict[str, object]] = []

    def add(self, table: str, row: str, metric: str, value: float, unit: str, better: str) -> None:
        self.rows.append(
            {
                "table": table,
                "row": row,
                "metric": metric,
                "value": round(float(value), 3),
                "unit": unit,
                "better": better,
                "command": self.command,
            }
        )

    def write(self, path: str | None) -> None:
        text = json.dumps(self.rows, indent=1)
        if path:
            Path(path).write_text(text)
        else:
            print(text)
