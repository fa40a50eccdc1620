"""The error codes of payments, their allocations, refunds, reversals and write-offs (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class CashErrorCode(ErrorCode):
    DUPLICATE_PAYMENT = "duplicate_payment"
    INVOICE_OF_OTHER_CUSTOMER = "invoice_of_other_customer"
    ALLOCATION_EXCEEDS_BALANCE = "allocation_exceeds_balance"
    ALLOCATIONS_EXCEED_AMOUNT = "allocations_exceed_amount"
    PAYMENT_DATE_IN_FUTURE = "payment_date_in_future"
    PAYMENT_REVERSED = "payment_reversed"
    PAYMENT_REFUNDED = "payment_refunded"
    EXCEEDS_UNAPPLIED = "exceeds_unapplied"
    WRITE_OFF_EXCEEDS_BALANCE = "write_off_exceeds_balance"
    INVALID_EVENT_ID = "invalid_event_id"
    NOTIFICATION_IN_FLIGHT = "notification_in_flight"
