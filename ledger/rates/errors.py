"""The error codes of exchange rates (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class RateErrorCode(ErrorCode):
    UNKNOWN_CURRENCY = "unknown_currency"
    BASE_CURRENCY = "base_currency"
    NOT_AN_ECB_FILE = "not_an_ecb_file"
    NO_EXCHANGE_RATE = "no_exchange_rate"
