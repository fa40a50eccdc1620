"""Bank statement writes: the import of a file (upload.py), the clerk's decisions on its lines
(review.py) and the rows they write, recording included (lines.py)."""

from receivables.bank.services.lines import (
    bank_line_link_payment,
    bank_line_recorded,
    bank_line_refused,
    bank_lines_confirm_for_recording,
    bank_mapping_remember,
    bank_statement_progress,
    bank_statement_recording_begin,
    bank_statement_recording_end,
    bank_statement_recording_total,
)
from receivables.bank.services.review import ACTIONS, line_decide, matched_confirm
from receivables.bank.services.upload import (
    MAX_FILE_BYTES,
    Upload,
    csv_import,
    mapping_known,
    mapping_of,
    pending_discard,
    pending_keep,
    pending_read,
    statement_receive,
    statement_upload,
)

__all__ = [
    "ACTIONS",
    "MAX_FILE_BYTES",
    "Upload",
    "bank_line_link_payment",
    "bank_line_recorded",
    "bank_line_refused",
    "bank_lines_confirm_for_recording",
    "bank_mapping_remember",
    "bank_statement_progress",
    "bank_statement_recording_begin",
    "bank_statement_recording_end",
    "bank_statement_recording_total",
    "csv_import",
    "line_decide",
    "mapping_known",
    "mapping_of",
    "matched_confirm",
    "pending_discard",
    "pending_keep",
    "pending_read",
    "statement_receive",
    "statement_upload",
]
