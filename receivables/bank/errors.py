"""The error codes of bank statement files and their review (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class BankErrorCode(ErrorCode):
    INVALID_FILE = "invalid_file"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    FILE_GONE = "file_gone"
    UNKNOWN_COLUMN = "unknown_column"
    DEBIT_NOT_A_PAYMENT = "debit_not_a_payment"
    BANK_LINE_FINAL = "bank_line_final"
    STATEMENT_RECORDING = "statement_recording"
    CONFIRM_NEEDS_CUSTOMER = "confirm_needs_customer"
    NOTHING_CONFIRMED = "nothing_confirmed"
    CSV_MAPPING_NEEDED = "csv_mapping_needed"
    LINE_NOT_MATCHED = "line_not_matched"
