"""The reporting app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class ReportingErrorCode(ErrorCode):
    REPORT_NOT_ALLOWED = "report_not_allowed"
    NO_EMAIL_ADDRESS = "no_email_address"
    REPORT_DATE_IN_FUTURE = "report_date_in_future"
    PERIOD_TOO_LONG = "period_too_long"
