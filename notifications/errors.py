"""The error codes of customer notifications (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class NotificationErrorCode(ErrorCode):
    BAD_PLACEHOLDER = "bad_placeholder"
    BAD_TRACKING_URL = "bad_tracking_url"
    UNKNOWN_TEMPLATE_LANGUAGE = "unknown_template_language"
