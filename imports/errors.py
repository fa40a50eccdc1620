"""The imports app's error codes (decision 0038): what makes a whole file unreadable (a 400);
a row's errors are listed by row and field in the result instead."""

from __future__ import annotations

from o2c.errors import ErrorCode


class ImportErrorCode(ErrorCode):
    MISSING_FILE = "missing_file"
    UNREADABLE_FILE = "unreadable_file"
    EMPTY_FILE = "empty_import_file"
    FILE_TOO_LARGE = "import_file_too_large"
    TOO_MANY_ROWS = "too_many_rows"
    UNKNOWN_IMPORT_KIND = "unknown_import_kind"
    IMPORT_HAS_ERRORS = "import_has_errors"
    IMPORT_NOT_READY = "import_not_ready"
