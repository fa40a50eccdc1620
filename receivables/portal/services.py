"""Customer portal links: a `PortalLink` row per link and a token signed with Django's signing.

The token carries only the link's id, signed with SECRET_KEY under its own salt, so it cannot be
forged nor moved to another link; everything else (which customer, until when, revoked or not)
is read from the row at each visit. A link is refused when the signature is wrong, the row is
gone, revoked or past `expires_at` (O2C_PORTAL_LINK_DAYS after creation, 30 by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils import timezone

from customers.selectors import customer_get
from o2c.errors import Conflict, DomainError, KernelErrorCode
from receivables.portal.errors import PortalErrorCode
from receivables.portal.models import PortalLink

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SALT = "o2c.portal"
MAX_DAYS = 366
LAST_USED_PRECISION = timedelta(minutes=5)  # visits within it do not write `last_used_at` again


class PortalLinkRefused(Exception):
    """The token opens nothing; `reason` says why in words a customer understands."""

    def __init__(self, reason: str, *, code: str):
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class IssuedLink:
    link: PortalLink
    token: str


def portal_link_token(*, link: PortalLink) -> str:
    return signing.dumps({"link": link.pk}, salt=SALT)


def portal_link_create(*, customer_id: int, days: int | None = None, by: User | None = None) -> IssuedLink:
    """A new link for the customer, valid `days` (O2C_PORTAL_LINK_DAYS by default)."""
    try:
        customer = customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise DomainError(
            f"customer {customer_id} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        ) from None
    days = settings.O2C_PORTAL_LINK_DAYS if days is None else days
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(
            f"a link is valid for 1 to {MAX_DAYS} days", field="days", code=KernelErrorCode.OUT_OF_RANGE
        )
    link = PortalLink.objects.create(
        customer=customer, expires_at=timezone.now() + timedelta(days=days), created_by=by
    )
    return IssuedLink(link=link, token=portal_link_token(link=link))


def portal_link_revoke(*, link_id: int, customer_id: int) -> PortalLink:
    """Revoke a link of the customer at once; revoking it again is refused (409)."""
    revoked = PortalLink.objects.filter(pk=link_id, customer_id=customer_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link = PortalLink.objects.filter(pk=link_id, customer_id=customer_id).first()
    if link is None:
        raise DomainError(
            f"portal link {link_id} is not a link of this customer",
            field="link",
            code=PortalErrorCode.LINK_OF_OTHER_CUSTOMER,
        )
    if not revoked:
        raise Conflict(
            f"portal link {link_id} was already revoked", code=PortalErrorCode.LINK_ALREADY_REVOKED
        )
    return link


def portal_link_verify(*, token: str) -> PortalLink:
    """The live link behind `token` (with its customer), or PortalLinkRefused."""
    try:
        payload = signing.loads(token, salt=SALT)
        link_id = int(payload["link"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PortalLinkRefused("This link is not valid.", code="invalid") from None
    link = PortalLink.objects.select_related("customer").filter(pk=link_id).first()
    if link is None:
        raise PortalLinkRefused("This link is not valid.", code="invalid")
    now = timezone.now()
    if link.revoked_at is not None:
        raise PortalLinkRefused("This link has been withdrawn.", code="revoked")
    if link.expires_at <= now:
        raise PortalLinkRefused("This link has expired.", code="expired")
    # the time of the last visit, written at most every few minutes: one UPDATE of this row only
    PortalLink.objects.filter(pk=link.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    return link
