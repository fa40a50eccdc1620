"""The client's IP address, for the login throttles (django-axes and the API token throttle).

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as our
own proxies wrote it: with `O2C_TRUSTED_PROXY_COUNT = n` (default 0) the client is the n-th
address from the right of that header, the one our outermost proxy saw; with 0 the header is
ignored and the address is the TCP peer (`REMOTE_ADDR`). Anything that is not an IP address falls
back to `REMOTE_ADDR` (docs/decisions/0034-trusted-proxies.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.O2C_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    candidate = addresses[-min(count, len(addresses))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
