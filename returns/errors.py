"""The returns app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class ReturnErrorCode(ErrorCode):
    NOT_A_SHIPPED_LINE = "not_a_shipped_line"
    RETURN_EXCEEDS_SHIPPED = "return_exceeds_shipped"
    RECEIPT_EXCEEDS_RETURN = "receipt_exceeds_return"
    NOTHING_RECEIVED = "nothing_received"
    NOTHING_TO_RETURN = "nothing_to_return"
    NOT_INVOICED = "return_not_invoiced"
