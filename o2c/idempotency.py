"""`Idempotency-Key` on API POSTs, exactly as API.md says.

For a POST carrying the header, per user and key:
- a transaction-scoped advisory lock on (user, key) marks the request in flight; a second request
  that cannot take it gets 409;
- a remembered response younger than 24 h is replayed (same status and body, header
  `Idempotent-Replayed: true`) when the method, path and body hash match, and refused with 422
  when they do not;
- otherwise the view runs, and a 2xx response is stored in the same transaction as its effect.
  A non-2xx response rolls the transaction back and is not remembered: it changed nothing, so the
  client may retry with the same key once it has fixed its request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from o2c.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Outcome:
    """What to do with a request: run it (`record` is None), replay `record`, or refuse."""

    kind: str  # "run" | "replay" | "mismatch" | "in_flight"
    record: IdempotencyRecord | None = None


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b"\0" + path.encode() + b"\0" + body).hexdigest()


def _lock_id(user_id: int, key: str) -> int:
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def idempotency_begin(*, user_id: int, key: str, fingerprint: str) -> Outcome:
    """Call inside the request's transaction, before the view runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_id(user_id, key)])
        (locked,) = cursor.fetchone()
    if not locked:
        return Outcome("in_flight")
    record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    if record is None:
        return Outcome("run")
    if record.created_at < timezone.now() - settings.O2C_IDEMPOTENCY_TTL:
        record.delete()
        return Outcome("run")
    if record.request_hash != fingerprint:
        return Outcome("mismatch", record)
    return Outcome("replay", record)


def idempotency_store(
    *,
    user_id: int,
    key: str,
    method: str,
    path: str,
    fingerprint: str,
    status_code: int,
    body: Any,
    headers: dict[str, str],
) -> IdempotencyRecord:
    """Remember a successful response; call in the same transaction as the request's effect."""
    return IdempotencyRecord.objects.create(
        user_id=user_id,
        key=key,
        method=method,
        path=path,
        request_hash=fingerprint,
        status_code=status_code,
        response_body=body,
        response_headers=headers,
    )


def idempotency_purge() -> int:
    """Forget records past their 24 hours."""
    cutoff = timezone.now() - settings.O2C_IDEMPOTENCY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
