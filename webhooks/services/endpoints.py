"""Webhook endpoints: created, changed, deleted, their secret rotated; every URL checked."""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from o2c.errors import DomainError, KernelErrorCode
from o2c.events import EVENT_TYPES
from o2c.parsing import text_check
from webhooks.errors import WebhookErrorCode
from webhooks.models import WebhookEndpoint

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
EDITABLE_FIELDS = ("url", "events", "active", "description")
MAX_URL_LENGTH = 2000


def webhook_secret_new() -> str:
    """`whsec_` + base64 of 24 random bytes (the Standard Webhooks form of a symmetric key)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _private_allowed() -> bool:
    return bool(settings.O2C_WEBHOOK_ALLOW_PRIVATE)


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def webhook_url_check(url: str) -> None:
    """Refuse (400 on `url`) what may not receive events: not http(s), credentials in it, plain
    http outside development, a name that does not resolve, or one that resolves to a loopback,
    private, link-local, multicast or reserved address, unless `O2C_WEBHOOK_ALLOW_PRIVATE`. Checked
    on create and change, and again before every send (a name may be rebound meanwhile)."""
    text_check(url, field="url")
    if len(url) > MAX_URL_LENGTH:
        raise DomainError(
            f"at most {MAX_URL_LENGTH} characters", field="url", code=WebhookErrorCode.URL_INVALID
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DomainError("not a valid URL", field="url", code=WebhookErrorCode.URL_INVALID) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise DomainError(
            "give an http(s) URL with a host and no user or password",
            field="url",
            code=WebhookErrorCode.URL_INVALID,
        )
    if parts.scheme != "https" and not (settings.DEBUG or _private_allowed()):
        raise DomainError("the URL must use https", field="url", code=WebhookErrorCode.URL_NOT_HTTPS)
    if _private_allowed():
        return
    try:
        found = socket.getaddrinfo(parts.hostname, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise DomainError(
            f"the host {parts.hostname} does not resolve", field="url", code=WebhookErrorCode.URL_UNRESOLVABLE
        ) from None
    refused = sorted({str(info[4][0]) for info in found if _refused(str(info[4][0]))})
    if refused or not found:
        raise DomainError(
            f"the host {parts.hostname} resolves to an address that may not receive events "
            f"({', '.join(refused)}): loopback, private, link-local, multicast and reserved addresses "
            "are refused",
            field="url",
            code=WebhookErrorCode.URL_ADDRESS_NOT_ALLOWED,
        )


def webhook_events_clean(events: Any) -> list[str]:
    """A non-empty list of catalogue types, or `["*"]` for all of them."""
    if isinstance(events, str) or not isinstance(events, Iterable):
        raise DomainError("give a list of event types", field="events", code=KernelErrorCode.INVALID)
    cleaned: list[str] = []
    for item in events:
        if not isinstance(item, str) or (item != "*" and item not in EVENT_TYPES):
            raise DomainError(
                f"unknown event type {item!r}", field="events", code=WebhookErrorCode.UNKNOWN_EVENT_TYPE
            )
        if item not in cleaned:
            cleaned.append(item)
    if not cleaned:
        raise DomainError(
            "choose at least one event type", field="events", code=WebhookErrorCode.NO_EVENT_TYPES
        )
    return ["*"] if "*" in cleaned else cleaned


@transaction.atomic
def webhook_endpoint_create(
    *, url: str, events: Any, active: bool = True, description: str = "", by: User | None = None
) -> WebhookEndpoint:
    """A new endpoint with a new secret (the caller shows it once)."""
    url = url.strip()
    webhook_url_check(url)
    return WebhookEndpoint.objects.create(
        url=url,
        events=webhook_events_clean(events),
        active=active,
        description=text_check(description, field="description").strip()[:200],
        secret=webhook_secret_new(),
        created_by=by,
    )


@transaction.atomic
def webhook_endpoint_update(*, endpoint_id: int, **fields: Any) -> WebhookEndpoint:
    """Change `url`, `events`, `active` or `description` (only those given)."""
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(
            f"{unknown[0]} cannot be changed", field=unknown[0], code=KernelErrorCode.UNKNOWN_FIELD
        )
    if "url" in fields:
        fields["url"] = str(fields["url"]).strip()
        webhook_url_check(fields["url"])
    if "events" in fields:
        fields["events"] = webhook_events_clean(fields["events"])
    if "description" in fields:
        fields["description"] = text_check(str(fields["description"]), field="description").strip()[:200]
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.save(update_fields=[*fields, "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint_id: int) -> WebhookEndpoint:
    """A new secret; every attempt from now on is signed with it (pending retries included)."""
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    endpoint.secret = webhook_secret_new()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint_id: int) -> None:
    """The endpoint and its deliveries with their attempts."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).delete()
