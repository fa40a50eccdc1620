"""The pricing app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class PricingErrorCode(ErrorCode):
    DUPLICATE_PRICE_LIST = "duplicate_price_list"
    DUPLICATE_BREAK = "duplicate_break"
    VALIDITY_REVERSED = "validity_reversed"
    PRICE_LIST_CURRENCY = "price_list_currency"
