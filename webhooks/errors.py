"""The error codes of webhooks (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class WebhookErrorCode(ErrorCode):
    URL_NOT_HTTPS = "url_not_https"
    URL_INVALID = "url_invalid"
    URL_UNRESOLVABLE = "url_unresolvable"
    URL_ADDRESS_NOT_ALLOWED = "url_address_not_allowed"
    UNKNOWN_EVENT_TYPE = "unknown_event_type"
    NO_EVENT_TYPES = "no_event_types"
