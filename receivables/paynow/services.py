"""Pay-now writes: the checkout sessions a provider opened (decision 0067)."""

from __future__ import annotations

from decimal import Decimal

from receivables.collections.models import CheckoutSession


def checkout_session_record(
    *, provider: str, session_id: str, invoice_id: int, customer_id: int, amount: Decimal, currency: str
) -> CheckoutSession:
    """The session a provider opened for an invoice, kept so that its completion is matched to the
    invoice and the amount asked for (a session id is recorded once per provider)."""
    session, _ = CheckoutSession.objects.get_or_create(
        provider=provider,
        session_id=session_id,
        defaults={
            "invoice_id": invoice_id,
            "customer_id": customer_id,
            "amount": amount,
            "currency": currency,
        },
    )
    return session
