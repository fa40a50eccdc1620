"""The error codes of dunning (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class DunningErrorCode(ErrorCode):
    DUNNING_DATE_IN_FUTURE = "dunning_date_in_future"
