"""Pay-now reads: a provider's checkout session as recorded when it was opened (decision 0067)."""

from __future__ import annotations

from receivables.collections.models import CheckoutSession


def checkout_session_get(*, provider: str, session_id: str) -> CheckoutSession | None:
    return (
        CheckoutSession.objects.select_related("invoice", "customer")
        .filter(provider=provider, session_id=session_id)
        .first()
    )
