"""A local HTTP receiver for the webhook tests: http.server in a thread on 127.0.0.1, answering
each POST with the next planned status (then 200), recording what it got."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    plan: list[int] = field(default_factory=list)  # statuses of the next answers, then 200
    redirect_to: str = ""  # a 302 to this location for every POST to /redirect
    gate: threading.Event | None = None  # when set up, each answer waits until it is opened
    answer: bytes | None = None  # the body of every answer (default: "ok" or "no: <status>")
    keep_alive: bool = False  # HTTP/1.1 with persistent connections (default: one per request)
    connections: int = 0  # TCP connections accepted
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if receiver.keep_alive else "HTTP/1.0"

            def setup(self) -> None:
                super().setup()
                with receiver.lock:
                    receiver.connections += 1

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.lock:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = receiver.plan.pop(0) if receiver.plan else 200
                if receiver.gate is not None:
                    receiver.gate.wait(timeout=60)
                if self.path == "/redirect" and receiver.redirect_to:
                    status = 302
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", receiver.redirect_to)
                answer = receiver.answer or (b"ok" if status < 300 else f"no: {status}".encode())
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.gate is not None:
            self.gate.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def posts(self, path: str = "/hook") -> list[Received]:
        with self.lock:
            return [item for item in self.received if item.path == path]
