"""Payment providers behind pay-now links: one small interface, chosen by O2C_PAYMENT_PROVIDER.

- `test`: a local provider for development and tests. Its page "takes" the card and then does what
  a real provider does: it sends the signed payment notification the app already accepts
  (`POST /payment-notifications/`, signed with O2C_PAYMENT_NOTIFICATION_SECRET), which records the
  payment once per event id and applies it to the invoice named in its reference.
- `stripe`: Stripe Checkout (hosted page). A Checkout Session for the open amount, the invoice in
  `client_reference_id` and metadata, recorded (`CheckoutSession`) before the customer is sent to
  it; Stripe's `checkout.session.completed` event is relayed as a payment notification by
  `POST /api/v1/stripe/webhook/` (receivables/paynow/relay.py, decision 0067).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import requests
from django.conf import settings
from django.urls import reverse

from o2c.errors import DomainError, KernelErrorCode
from o2c.money import minor_unit
from receivables.paynow.services import checkout_session_record


@dataclass(frozen=True)
class Checkout:
    """What a provider needs to take a payment for one invoice."""

    token: str
    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_code: str
    amount: Decimal
    currency: str
    success_url: str
    cancel_url: str


class Provider(Protocol):
    name: str

    def checkout_url(self, checkout: Checkout) -> str: ...


class TestProvider:
    name = "test"

    def checkout_url(self, checkout: Checkout) -> str:
        return reverse("paynow:test-provider", args=[checkout.token])


class StripeCheckout:
    name = "stripe"

    def checkout_url(self, checkout: Checkout) -> str:
        if not settings.O2C_STRIPE_SECRET_KEY:
            raise DomainError(
                "Stripe is not configured (O2C_STRIPE_SECRET_KEY)", code=KernelErrorCode.INVALID
            )
        cents = int(checkout.amount / minor_unit(checkout.currency))
        answer = requests.post(
            f"{settings.O2C_STRIPE_API_BASE}/v1/checkout/sessions",
            auth=(settings.O2C_STRIPE_SECRET_KEY, ""),
            data={
                "mode": "payment",
                "success_url": checkout.success_url,
                "cancel_url": checkout.cancel_url,
                "client_reference_id": checkout.invoice_number,
                "line_items[0][quantity]": "1",
                "line_items[0][price_data][currency]": checkout.currency.lower(),
                "line_items[0][price_data][unit_amount]": str(cents),
                "line_items[0][price_data][product_data][name]": f"Invoice {checkout.invoice_number}",
                "metadata[invoice]": str(checkout.invoice_id),
                "metadata[customer]": checkout.customer_code,
            },
            timeout=10,
            allow_redirects=False,
        )
        if answer.status_code != 200:
            raise DomainError(
                f"the payment provider answered {answer.status_code}", code=KernelErrorCode.INVALID
            )
        session = answer.json()
        if not isinstance(session, dict) or not session.get("id") or not session.get("url"):
            raise DomainError("the payment provider answered without a session", code=KernelErrorCode.INVALID)
        checkout_session_record(
            provider=self.name,
            session_id=str(session["id"]),
            invoice_id=checkout.invoice_id,
            customer_id=checkout.customer_id,
            amount=checkout.amount,
            currency=checkout.currency,
        )
        return str(session["url"])


PROVIDERS: dict[str, Provider] = {"test": TestProvider(), "stripe": StripeCheckout()}


def provider() -> Provider | None:
    return PROVIDERS.get(settings.O2C_PAYMENT_PROVIDER)
