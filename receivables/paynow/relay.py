"""Stripe's webhook, relayed into the payment notification the app already accepts (decision 0067).

Stripe calls `POST /api/v1/stripe/webhook/` with an event and a `Stripe-Signature` header. The
header is checked as Stripe documents it (o2c.signing: HMAC-SHA256 of "<t>.<raw body>" under the
endpoint's secret O2C_STRIPE_WEBHOOK_SECRET, any `v1`, at most 5 minutes old). Only
`checkout.session.completed` with `payment_status` "paid" records money; any other event is
acknowledged and does nothing (Stripe wants a 2xx for what an endpoint does not handle).

The session must be one the app opened (`CheckoutSession`, recorded before the customer was sent
to Stripe); an unknown one is acknowledged, logged, and records nothing. The money is what Stripe
says it took (`amount_total`, in the currency's minor unit): when it differs from what the session
asked for, that is still the money received, recorded and applied by the invoice number (part of
the invoice left open, or the excess as unapplied cash) and the answer and the log say so; a
session paid in another currency than it asked for is refused (400), as the payment path refuses it.
The notification's id is `stripe:<session id>`, so one session records one payment, whatever the
number of deliveries or event ids (the notification path records an id once).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import minor_unit, round_money
from o2c.signing import SignatureError, signature_verify
from receivables.paynow.selectors import checkout_session_get

logger = logging.getLogger(__name__)

STRIPE_HEADER = "Stripe-Signature"
COMPLETED = "checkout.session.completed"
_CURRENCY = re.compile(r"[a-zA-Z]{3}\Z")
LATEST_TIMESTAMP = 7258118400  # 2200-01-01: the app dates nothing later (o2c.parsing.date_check)


@dataclass(frozen=True)
class Relay:
    """What an event comes to: `notification` is the payment notification to record (None: nothing
    to record, `outcome` says why)."""

    event_id: str
    outcome: str  # "relayed", "ignored" (another type), "not_paid", "unknown_session"
    notification: dict[str, Any] | None = None
    amount_mismatch: str = ""


def _invalid(message: str, field: str = "body") -> DomainError:
    return DomainError(message, field=field, code=KernelErrorCode.INVALID)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 255 or "\x00" in value:
        raise _invalid(f"{field} is not a text of 1 to 255 characters", field)
    return value


def _whole(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**15:
        raise _invalid(f"{field} is not a whole number", field)
    return value


def stripe_event_read(*, raw: bytes, header: str | None, now: float | None = None) -> Relay:
    """The event checked (signature, shape, session) and, when it pays a session the app opened, the
    payment notification it comes to. A DomainError (400) for a bad signature or body."""
    try:
        signature_verify(
            secret=settings.O2C_STRIPE_WEBHOOK_SECRET,
            header=header,
            body=raw,
            now=now,
            header_name=STRIPE_HEADER,
            setting="O2C_STRIPE_WEBHOOK_SECRET",
        )
    except SignatureError as error:
        raise DomainError(str(error), field="signature", code=error.code) from None
    try:
        event = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _invalid("the body is not a JSON event") from None
    if not isinstance(event, dict):
        raise _invalid("the body is not a JSON event")
    event_id, kind = _text(event.get("id"), "id"), _text(event.get("type"), "type")
    if kind != COMPLETED:
        return Relay(event_id=event_id, outcome="ignored")
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    if not isinstance(session, dict):
        raise _invalid("data.object is not a checkout session", "data")
    session_id = _text(session.get("id"), "data.object.id")
    if session.get("payment_status") != "paid":  # a delayed method: paid later, or never
        return Relay(event_id=event_id, outcome="not_paid")
    known = checkout_session_get(provider="stripe", session_id=session_id)
    if known is None:
        logger.warning("Stripe event %s: checkout session %s was not opened here", event_id, session_id)
        return Relay(event_id=event_id, outcome="unknown_session")
    currency = _text(session.get("currency"), "data.object.currency")
    if not _CURRENCY.match(currency) or currency.upper() != known.currency:
        raise _invalid(
            f"session {session_id} was paid in {currency[:3].upper()}, not {known.currency}",
            "data.object.currency",
        )
    paid = Decimal(_whole(session.get("amount_total"), "data.object.amount_total")) * minor_unit(
        known.currency
    )
    paid = round_money(paid, known.currency)
    mismatch = ""
    if paid != known.amount:
        mismatch = f"paid {paid} {known.currency}, the session asked for {known.amount}"
        logger.warning("Stripe session %s of invoice %s: %s", session_id, known.invoice.number, mismatch)
    created_at = _whole(event.get("created"), "created")
    if created_at > LATEST_TIMESTAMP:
        raise _invalid("created is not a time this app can date a payment on", "created")
    created = datetime.fromtimestamp(created_at, tz=UTC)
    notification = {
        "id": f"stripe:{session_id}",
        "customer": known.customer_id,
        "amount": str(paid),
        "currency": known.currency,
        "reference": known.invoice.number,
        "received_on": timezone.localdate(created).isoformat(),
    }
    return Relay(event_id=event_id, outcome="relayed", notification=notification, amount_mismatch=mismatch)
