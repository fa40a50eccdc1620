"""The ledger app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class LedgerErrorCode(ErrorCode):
    UNKNOWN_ACCOUNT = "unknown_account"
    DEBIT_OR_CREDIT = "debit_or_credit"
    BEFORE_BOOKS_START = "before_books_start"
    DATE_TOO_FAR_AHEAD = "date_too_far_ahead"
    PERIOD_LOCKED = "period_locked"
    LOCK_DATE_NOT_PAST = "lock_date_not_past"
    LOCK_DATE_BACKWARDS = "lock_date_backwards"
    REVERSAL_NOT_REVERSIBLE = "reversal_not_reversible"
    ALREADY_REVERSED = "already_reversed"
    REVERSAL_BEFORE_ORIGINAL = "reversal_before_original"
