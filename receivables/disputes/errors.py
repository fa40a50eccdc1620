"""The error codes of disputes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class DisputeErrorCode(ErrorCode):
    OWNER_NOT_FINANCE = "owner_not_finance"
    DISPUTED_LINE_NOT_ON_INVOICE = "disputed_line_not_on_invoice"
    LINE_NAMED_TWICE = "line_named_twice"
    LINE_FREE_OF_CHARGE = "line_free_of_charge"
    LINE_ALREADY_DISPUTED = "line_already_disputed"
    INVOICE_SETTLED = "invoice_settled"
    LINES_AMOUNT_MISMATCH = "lines_amount_mismatch"
    DISPUTE_EXCEEDS_UNDISPUTED = "dispute_exceeds_undisputed"
    DISPUTE_CLOSED = "dispute_closed"
    OPEN_DISPUTE = "open_dispute"
    DISPUTE_OF_OTHER_INVOICE = "dispute_of_other_invoice"
