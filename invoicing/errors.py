"""The invoicing app's error codes (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class InvoicingErrorCode(ErrorCode):
    NOTHING_TO_INVOICE = "nothing_to_invoice"
    INVOICE_EXCEEDS_ORDER = "invoice_exceeds_order"
    SETTLEMENT_EXCEEDS_BALANCE = "settlement_exceeds_balance"
    LINES_OR_AMOUNT = "lines_or_amount"
    NOTHING_TO_CREDIT = "nothing_to_credit"
    CREDIT_EXCEEDS_BALANCE = "credit_exceeds_balance"
    CREDIT_EXCEEDS_LINE = "credit_exceeds_line"
    LINE_NOT_ON_INVOICE = "line_not_on_invoice"
    NOT_AN_INVOICE = "not_an_invoice"
    OPENING_INVOICE_EXISTS = "opening_invoice_exists"
