"""The client guide (docs/api.md) runs as written (decision 0048).

Every ```bash block of the guide is taken in order and run by one bash process (`set -euo
pipefail`, so the first command that fails stops it: the guide's `curl -sS --fail-with-body` fails on
any 4xx or 5xx) against a live server (pytest-django's `live_server`) in which the four users of
the guide exist with the demo passwords. Variables flow from block to block as a reader's shell
keeps them. The cycle must end with the order paid.

The webhooks section runs when the webhook endpoints are part of the API (`/api/v1/webhooks/
endpoints/` resolves); its receiver is a local HTTP server answering 204.
"""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
import warnings
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import Resolver404, resolve

from orders.models import SalesOrder

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
USERS = {  # username (= role): password, as the demo data has them
    "sales": "sales-demo-2026",
    "warehouse": "warehouse-demo-2026",
    "finance": "finance-demo-2026",
    "manager": "manager-demo-2026",
}
WEBHOOKS_SECTION = "Webhooks"


def guide_blocks(text: str) -> list[tuple[str, str]]:
    """The guide's ```bash blocks in order, each with the title of the `## ` section it is in."""
    blocks, section = [], ""
    for match in re.finditer(r"^## (?P<title>[^\n]+)$|^```bash\n(?P<code>.*?)^```$", text, re.M | re.S):
        if match["title"] is not None:
            section = match["title"]
        else:
            blocks.append((section, match["code"]))
    return blocks


def webhooks_in_the_api() -> bool:
    try:
        resolve("/api/v1/webhooks/endpoints/")
    except Resolver404:
        return False
    return True


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/o2c/webhooks"
    server.shutdown()
    server.server_close()


@pytest.fixture
def guide_users(transactional_db):
    for username, password in USERS.items():
        user = get_user_model().objects.create_user(username=username, password=password)
        user.groups.add(Group.objects.get(name=username))


def test_the_guide_has_the_whole_cycle():
    """The sections the issue asks for, in the order of the cycle."""
    sections = [section for section, _ in guide_blocks(GUIDE.read_text())]
    words = [
        "token",
        "customer",
        "order",
        "releases the hold",
        "ships",
        "PDF",
        "payment",
        "dispute",
        "Webhooks",
    ]
    found = [next((i for i, s in enumerate(sections) if word.lower() in s.lower()), None) for word in words]
    assert None not in found, dict(zip(words, found, strict=True))
    assert found == sorted(found)


def test_every_command_of_the_guide_runs_and_the_order_ends_paid(
    live_server, guide_users, receiver, tmp_path, settings
):
    missing = [tool for tool in ("bash", "curl", "jq") if not shutil.which(tool)]
    assert not missing, f"the guide needs {missing}: scripts/system-deps.sh installs them"
    settings.O2C_WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1, over plain http
    blocks = guide_blocks(GUIDE.read_text())
    with_webhooks = webhooks_in_the_api()
    script = ["set -euo pipefail"]
    for number, (section, code) in enumerate(blocks, start=1):
        if WEBHOOKS_SECTION in section and not with_webhooks:
            continue
        script += [f"echo '::block {number} ({section})' >&2", code]
    (tmp_path / "guide.sh").write_text("\n".join(script) + "\n")

    done = subprocess.run(
        ["bash", "guide.sh"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "O2C": live_server.url,
            "RECEIVER_URL": receiver,
            **{f"{username.upper()}_PASSWORD": password for username, password in USERS.items()},
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(done.stdout)  # the guide's transcript, with -s
    ran = re.findall(r"^::block (\d+)", done.stderr, re.M)
    assert done.returncode == 0, (
        f"the guide stopped in block {ran[-1] if ran else '?'}:\n{done.stderr[-3000:]}\n--- stdout ---\n"
        f"{done.stdout[-3000:]}"
    )
    order = SalesOrder.objects.get()
    assert (order.fulfillment_status, order.billing_status, order.payment_status) == (
        "shipped",
        "invoiced",
        "paid",
    )
    assert (tmp_path / "invoice.pdf").read_bytes().startswith(b"%PDF-")
    if with_webhooks:
        assert len(ran) == len(blocks)
        assert _Receiver.received, "the receiver got no delivery"
    else:
        warnings.warn(
            f"ran {len(ran)} of {len(blocks)} blocks of docs/api.md: the webhook endpoints are not in the API yet",
            stacklevel=1,
        )
