"""The error codes of direct debits: mandates, collection runs, settlement and returns (decision 0065)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class DirectDebitErrorCode(ErrorCode):
    INVALID_IBAN = "invalid_iban"
    INVALID_BIC = "invalid_bic"
    INVALID_CREDITOR_ID = "invalid_creditor_id"
    NOT_SEPA_COUNTRY = "not_sepa_country"
    MANDATE_REFERENCE_TAKEN = "mandate_reference_taken"
    MANDATE_REFERENCE_INVALID = "mandate_reference_invalid"
    MANDATE_ACTIVE_EXISTS = "mandate_active_exists"
    MANDATE_NOT_EUR = "mandate_not_eur"
    MANDATE_SIGNED_IN_FUTURE = "mandate_signed_in_future"
    NOTHING_TO_COLLECT = "nothing_to_collect"
    COLLECTION_DATE_IN_PAST = "collection_date_in_past"
    COLLECTION_DATE_TOO_FAR = "collection_date_too_far"
    CREDITOR_NOT_CONFIGURED = "creditor_not_configured"
    FILE_INVALID = "sepa_file_invalid"
