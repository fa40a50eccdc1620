"""Signed HTTP messages, Stripe-style: `X-O2C-Signature: t=<unix>,v1=<hex>` where the hex is
HMAC-SHA256(secret, "<t>.<raw body>"). Inbound payment notifications are verified with it;
outbound webhooks sign with it. Stripe's own `Stripe-Signature` is the same scheme (its docs,
"verify manually": split on "," then "=", keep `t` and every `v1`, compare each `v1` in constant
time with the HMAC-SHA256 of "<t>.<payload>" under the endpoint's secret, refuse a timestamp more
than 5 minutes away): the Stripe relay verifies with `header_name="Stripe-Signature"` (0067)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from o2c.errors import KernelErrorCode

HEADER = "X-O2C-Signature"
TOLERANCE_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}\Z")


class SignatureError(Exception):
    """A refused signature, with the machine code the API answers (decision 0038)."""

    def __init__(self, message: str, *, code: KernelErrorCode):
        super().__init__(message)
        self.code = code


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def signature_verify(
    *,
    secret: str,
    header: str | None,
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
    header_name: str = HEADER,
    setting: str = "O2C_PAYMENT_NOTIFICATION_SECRET",
) -> None:
    """Raise SignatureError unless `header` (named `header_name` in the messages) signs `body` with
    `secret` (the value of `setting`) within `tolerance` seconds."""
    if not secret:
        raise SignatureError(
            f"payment notifications are not configured ({setting})",
            code=KernelErrorCode.SIGNATURE_NOT_CONFIGURED,
        )
    if not header:
        raise SignatureError(f"the {header_name} header is missing", code=KernelErrorCode.SIGNATURE_MISSING)
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    # Untrusted text: the timestamp is ASCII digits of a plausible length (int() would take "٣",
    # "1_0" and 400 digits, which no float can subtract), and signatures are compared as bytes
    # (compare_digest refuses non-ASCII str).
    timestamp = parts.get("t", [""])[0]
    if not _TIMESTAMP.match(timestamp):
        raise SignatureError(
            f"the {header_name} header has no timestamp t=", code=KernelErrorCode.SIGNATURE_MALFORMED
        )
    t = int(timestamp)
    now = time.time() if now is None else now
    if abs(now - t) > tolerance:
        raise SignatureError(
            f"the signature timestamp is more than {tolerance // 60} minutes away from now",
            code=KernelErrorCode.SIGNATURE_EXPIRED,
        )
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest().encode()
    candidates = [candidate.encode("utf-8", "replace") for candidate in parts.get("v1", [])]
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("the signature does not match the body", code=KernelErrorCode.SIGNATURE_MISMATCH)
