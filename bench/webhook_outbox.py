"""The webhook outbox draining 10,000 events with 1, 2 and 4 Celery worker processes (issue 14, item 7).

    .venv/bin/python bench/webhook_outbox.py --json OUT.json                 # 10,000 events; 1, 2, 4 workers
    .venv/bin/python bench/webhook_outbox.py --json OUT.json --quick         # 500 events; 1, 2 workers
    .venv/bin/python bench/webhook_outbox.py --events 2000 --workers 1 2

What is measured: one endpoint subscribed to every event, a local receiver (a threaded HTTP/1.1
server in this script, keep-alive, answering 200 "ok" at once and checking every signature with
the endpoint's secret), and `--events` domain events emitted through `o2c.events.event_emit`
(`customer.updated`, once for each of 500 customers), each written as a delivery in its
transaction; the other 9,500 deliveries are copies of those rows with new event ids (what as many
more emits would write, at a fraction of the time: an emit renders the customer as the API shows
it), so each customer has 20 deliveries and their order matters. Then for each worker count: every delivery made pending
again (attempts forgotten), real `celery worker` processes started (prefork, `-c N`) on Redis, one
send task queued, and the time from the first attempt to the last delivery (from the attempt rows)
gives deliveries/s. Checked each time: every delivery delivered exactly once, every signature
valid, and each customer's events arrived in the order they happened.

Its own scratch database `o2c_bench_webhooks` (created and migrated when missing; the harness's
`o2c_bench` keeps its own worker, which must not drain these) and Redis database 14 of the
harness's Redis (REDIS_URL / CELERY_BROKER_URL, else redis://127.0.0.1:6379), or `--redis URL`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(
    os.environ.get("O2C_BENCH_ROOT") or Path(__file__).resolve().parent.parent
)  # another checkout: a before/after
PYTHON = sys.executable
SERVER_URL = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("O2C_BENCH_WEBHOOKS_DATABASE", "o2c_bench_webhooks")
TABLE = "webhook_outbox"
COMMAND = ".venv/bin/python bench/webhook_outbox.py --json OUT.json"
CUSTOMERS = 500
EMITTED = 500  # through event_emit; the rest are copies of their rows (event_emit costs ~0.1 s here)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def redis_url(given: str | None) -> str:
    if given:
        return given
    base = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/14", "", ""))


def environment(broker: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2c.settings",
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        ),
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "O2C_TASKS_EAGER": "false",
        "O2C_WEBHOOK_ALLOW_PRIVATE": "true",
        "PYTHONPATH": str(ROOT),
    }
    return env


def database_prepare() -> None:
    exists = subprocess.run(
        ["psql", f"{SERVER_URL}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        log(f"creating {DATABASE}")
        subprocess.run(["psql", f"{SERVER_URL}/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)


class Receiver:
    """HTTP/1.1 with keep-alive; records (webhook-id, arrival order) and counts bad signatures."""

    def __init__(self, secret: str) -> None:
        from standardwebhooks import Webhook

        self.verifier = Webhook(secret)
        self.arrivals: list[str] = []
        self.bad_signatures = 0
        self.connections = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body are two writes: without TCP_NODELAY the second waits for the
            # client's delayed ACK (40 ms) on a kept connection, as no real server does
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with receiver.lock:
                    receiver.connections += 1

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    receiver.verifier.verify(body, headers)
                    good = True
                except Exception:
                    good = False
                with receiver.lock:
                    receiver.arrivals.append(headers.get("webhook-id", ""))
                    receiver.bad_signatures += not good
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def reset(self) -> None:
        with self.lock:
            self.arrivals.clear()
            self.bad_signatures = self.connections = 0


def events_emit(count: int, url: str) -> tuple[str, float]:
    """A fresh endpoint and `count` events; returns the endpoint's secret and the events/s."""
    from django.db import connection, transaction

    from customers.models import Customer
    from customers.services import customer_create
    from o2c.events import event_emit
    from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
    from webhooks.services import webhook_endpoint_create

    WebhookAttempt.objects.all().delete()
    WebhookDelivery.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    customers = list(Customer.objects.filter(code__startswith="WH").order_by("pk")[:CUSTOMERS])
    for index in range(len(customers), CUSTOMERS):
        customers.append(
            customer_create(
                code=f"WH{index:04d}",
                name=f"Webhook customer {index}",
                email=f"wh{index}@bench.example",
                credit_limit=None,
            )
        )
    endpoint = webhook_endpoint_create(url=url, events=["*"], description="bench", by=None)
    emitted = min(count, EMITTED)
    began = time.perf_counter()
    for start in range(0, emitted, 100):
        with transaction.atomic():
            for index in range(start, min(emitted, start + 100)):
                event_emit("customer.updated", customers[index % CUSTOMERS])
    rate = emitted / (time.perf_counter() - began)
    if count > emitted:  # the rest as copies of those rows: what as many more emits would write
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO webhooks_webhookdelivery (endpoint_id, event_id, event_type, object_key, body,
                    occurred_at, status, attempts, next_attempt_at, give_up_at, last_error, created_at)
                SELECT d.endpoint_id, 'msg_' || md5(d.event_id || ':' || n), d.event_type, d.object_key, d.body,
                    d.occurred_at, d.status, 0, d.next_attempt_at, d.give_up_at, '', now()
                FROM webhooks_webhookdelivery d
                CROSS JOIN generate_series(1, %s) AS n
                ORDER BY n, d.id
                LIMIT %s
                """,
                [count // emitted + 1, count - emitted],
            )
    connection.close()
    return endpoint.secret, rate


def deliveries_reset() -> None:
    from django.db import connection
    from django.utils import timezone

    from webhooks.models import WebhookAttempt, WebhookDelivery
    from webhooks.services.events import RETRY_WINDOW

    WebhookAttempt.objects.all().delete()
    now = timezone.now()
    WebhookDelivery.objects.update(
        status="pending", attempts=0, delivered_at=None, last_error="", next_attempt_at=now,
        give_up_at=now + RETRY_WINDOW,
    )  # fmt: skip
    connection.close()


def drained() -> tuple[int, int]:
    from django.db import connection

    from webhooks.models import WebhookDelivery

    pending = WebhookDelivery.objects.filter(status="pending").count()
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    connection.close()
    return pending, delivered


def worker_start(processes: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "o2c", "worker", "--pool=prefork", f"--concurrency={processes}",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"bench-webhooks-{processes}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def worker_stop(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def in_order(arrivals: list[str]) -> tuple[int, int]:
    """(deliveries received more than once, customers whose events arrived out of order)."""
    from django.db import connection

    from webhooks.models import WebhookDelivery

    rank = {
        event_id: (key, pk)
        for event_id, key, pk in WebhookDelivery.objects.values_list("event_id", "object_key", "pk")
    }
    connection.close()
    duplicates = len(arrivals) - len(set(arrivals))
    last: dict[str, int] = {}
    disordered = set()
    for event_id in arrivals:
        key, pk = rank[event_id]
        if pk < last.get(key, 0):
            disordered.add(key)
        last[key] = max(pk, last.get(key, 0))
    return duplicates, len(disordered)


def drain(
    processes: int, count: int, receiver: Receiver, env: dict[str, str], timeout: float
) -> dict[str, float]:
    from django.db import connection
    from django.db.models import Max, Min

    from webhooks.models import WebhookAttempt, WebhookDelivery
    from webhooks.tasks import webhook_deliveries_send

    deliveries_reset()
    receiver.reset()
    webhook_deliveries_send.delay()  # what the commit of the emitting transactions did
    worker = worker_start(processes, env)
    began = time.monotonic()
    try:
        while time.monotonic() - began < timeout:
            pending, delivered = drained()
            if not pending:
                break
            assert worker.poll() is None, "the worker died"
            time.sleep(0.5)
            if int(time.monotonic() - began) % 10 == 0:
                log(f"  {processes} worker(s): {delivered:,} of {count:,} delivered")
    finally:
        worker_stop(worker)
    pending, delivered = drained()
    span = WebhookAttempt.objects.aggregate(first=Min("attempted_at"))
    last = WebhookDelivery.objects.aggregate(last=Max("delivered_at"))["last"]
    statements = WebhookAttempt.objects.count()
    connection.close()
    duplicates, disordered = in_order(receiver.arrivals)
    seconds = (last - span["first"]).total_seconds() if last and span["first"] else float("nan")
    log(
        f"  {processes} worker(s): {delivered:,} delivered in {seconds:.1f} s, {pending} pending, "
        f"{statements:,} attempts, {receiver.connections} connections, {duplicates} duplicates, "
        f"{disordered} customers out of order, {receiver.bad_signatures} bad signatures"
    )
    if pending or duplicates or disordered or receiver.bad_signatures:
        raise SystemExit("the outbox did not drain correctly: see above")
    return {
        "deliveries/s": delivered / seconds,
        "seconds to drain": seconds,
        "receiver connections": receiver.connections,
    }


UNITS = {"deliveries/s": ("deliveries/s", "higher"), "seconds to drain": ("s", "lower"),
         "receiver connections": ("connections", "lower")}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the measurements here (bench protocol)")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("O2C_BENCH_QUICK") == "1")
    parser.add_argument("--base-url", help="ignored: the workers are started here")
    parser.add_argument("--events", type=int, help="events to emit (default 10,000; 500 with --quick)")
    parser.add_argument("--workers", type=int, nargs="+", help="worker process counts (default 1 2 4)")
    parser.add_argument("--redis", help="the broker (default: database 14 of the harness's Redis)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for one drain")
    options = parser.parse_args()
    count = options.events or (500 if options.quick else 10_000)
    counts = options.workers or ([1, 2] if options.quick else [1, 2, 4])
    broker = redis_url(options.redis)

    database_prepare()
    env = environment(broker)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from o2c.celery import app

    call_command("migrate", "--noinput", verbosity=0)
    app.connection_for_write().default_channel.client.flushdb()  # this bench's Redis database only
    receiver = Receiver(secret="whsec_" + "A" * 32)
    log(f"emitting {count:,} events (broker {broker}, database {DATABASE})")
    secret, emitted = events_emit(count, receiver.url)
    receiver.verifier = type(receiver.verifier)(secret)
    log(f"  {emitted:.0f} events/s emitted")
    results = [("events emitted", "events/s", emitted, ("events/s", "higher"))]
    for processes in counts:
        figures = drain(processes, count, receiver, env, options.timeout)
        label = f"{processes} worker process{'es' if processes > 1 else ''}"
        results += [(label, metric, value, UNITS[metric]) for metric, value in figures.items()]
    app.connection_for_write().default_channel.client.flushdb()

    measurements = [
        {"table": TABLE, "row": row, "metric": metric, "value": round(value, 1), "unit": unit[0],
         "better": unit[1], "command": COMMAND}
        for row, metric, value, unit in results
    ]  # fmt: skip
    for item in measurements:
        print(f"{item['row']:22s} {item['metric']:22s} {item['value']:10.1f} {item['unit']}")
    if options.json:
        options.json.write_text(json.dumps(measurements, indent=2))


if __name__ == "__main__":
    main()
