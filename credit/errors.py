"""The credit app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class CreditErrorCode(ErrorCode):
    NOTE_REQUIRED = "note_required"
