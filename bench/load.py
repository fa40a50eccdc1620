"""Closed-loop HTTP clients for the benchmarks: threads of one process, one keep-alive connection
each, the next operation sent as soon as the last one answered (no think time)."""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit


def log(message: str) -> None:
    print(f"[{datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Http:
    """One keep-alive connection of one client; JSON in and out."""

    def __init__(self, base_url: str, token: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        payload = None if body is None else json.dumps(body)
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            return 0, None
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None

    def close(self) -> None:
        self.connection.close()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted or unsorted values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def closed_loop(
    *,
    clients: int,
    seconds: float,
    connect: Callable[[int], Http],
    operation: Callable[[Http, int, int], bool],
    warmup: float = 0.0,
) -> dict[str, float]:
    """`clients` threads, each doing `operation(http, client, n)` again as soon as the last one
    answered (a closed loop: no think time) for `seconds` after `warmup` seconds that are not
    counted. Returns operations/s, p50 and p99 in ms, failed operations, and the client process's
    CPU share (near 100 % per core means the load generator, not the server, is the limit)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failed = [0] * clients
    errors: list[str] = []
    begin = time.perf_counter() + warmup
    end = begin + seconds

    def client(index: int) -> None:
        http_ = connect(index)
        number = 0
        try:
            while True:
                started = time.perf_counter()
                # past the end; but every client records at least one operation (slow cycles)
                if started >= end and (latencies[index] or started >= end + 60):
                    return
                number += 1
                try:
                    ok = operation(http_, index, number)
                except Exception as error:  # a bug of the bench, counted and shown once
                    ok = False
                    if not errors:
                        errors.append(repr(error))
                        log(f"client {index}: {error!r}")
                finished = time.perf_counter()
                if started >= begin:
                    latencies[index].append(finished - started)
                    if not ok:
                        failed[index] += 1
        finally:
            http_.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measured = max(time.perf_counter() - begin, 1e-9)
    cpu = time.process_time() - cpu
    every = [value for mine in latencies for value in mine]
    ok = len(every) - sum(failed)
    return {
        "operations": len(every),
        "per_second": ok / measured,
        "p50_ms": statistics.median(every) * 1000 if every else 0.0,
        "p99_ms": percentile(every, 0.99) * 1000,
        "failed": float(sum(failed)),
        "client_cpu": cpu / (measured + warmup),
    }
