"""Pay-now links (issue 16): a signed token per invoice, so a link in an invoice e-mail, a dunning
letter, a statement or the portal opens that invoice's payment page without a login and cannot be
forged for another invoice. The token carries only the invoice id; the page reads what is open
when it is opened, so an old link never asks for more than is owed (a paid invoice says so)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "o2c.pay-now"


def pay_token(invoice_id: int) -> str:
    return signing.dumps(invoice_id, salt=SALT)


def pay_token_read(token: str) -> int | None:
    """The invoice id of a genuine token, else None."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def pay_path(invoice_id: int) -> str:
    return reverse("paynow:pay", args=[pay_token(invoice_id)])


def pay_url(invoice_id: int) -> str:
    """The absolute link printed on documents and e-mails (no request at hand when the outbox
    sends them): `O2C_PUBLIC_URL` and the signed path."""
    return f"{settings.O2C_PUBLIC_URL}{pay_path(invoice_id)}"
