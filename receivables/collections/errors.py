"""The error codes of collections: promises to pay and activities (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class CollectionsErrorCode(ErrorCode):
    PROMISE_DATE_IN_PAST = "promise_date_in_past"
    PROMISE_DATE_TOO_FAR = "promise_date_too_far"
    FOLLOW_UP_IN_PAST = "follow_up_in_past"
    INVOICE_NOT_OPEN = "invoice_not_open"
    PROMISE_EXCEEDS_OPEN = "promise_exceeds_open"
    PROMISE_CURRENCY_MIXED = "promise_currency_mixed"
    COLLECTOR_NOT_FINANCE = "collector_not_finance"
