"""The quotations app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class QuotationErrorCode(ErrorCode):
    QUOTATION_NOT_EDITABLE = "quotation_not_editable"
    QUOTATION_EXPIRED = "quotation_expired"
    VALID_UNTIL_IN_PAST = "valid_until_in_past"
