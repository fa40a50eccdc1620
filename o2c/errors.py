"""Domain exceptions with stable codes. The API maps them to 400/409 JSON naming the field and
carrying the code; pages turn them into a message. A view never lets one become a 500.

Every code is a member of an `ErrorCode` enum: the kernel's (`KernelErrorCode` here, with the
codes of the API layer itself) and one per app in `<app>/errors.py` (`OrderErrorCode`, …). A
`DomainError` refuses to be raised without one (decision 0038), so a client can rely on
`"code"` naming what went wrong while the message stays free to change.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The base of every error-code enum (it has no members, so apps can derive from it).

    A value is unique across all the enums: each code has one owner (tests/kernel/test_errors.py)."""

    @classmethod
    def all_enums(cls) -> list[type[ErrorCode]]:
        """The enums derived from this one, whose modules have been imported."""
        found, pending = [], list(cls.__subclasses__())
        while pending:
            enum = pending.pop(0)
            found.append(enum)
            pending.extend(enum.__subclasses__())
        return found


class KernelErrorCode(ErrorCode):
    """The kernel's codes: input refused by o2c/parsing.py and o2c/money.py, the generic domain
    classes below, and the API layer's own (DRF's validation and HTTP error codes, kept as DRF
    names them, plus idempotency and the database being away)."""

    # generic domain refusals
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    CURRENCY_MISMATCH = "currency_mismatch"
    QUANTITY_OR_AMOUNT = "quantity_or_amount"  # a part of an invoice line: credited or disputed
    UNBALANCED_ENTRY = "unbalanced_entry"
    IMMUTABLE = "immutable"
    # o2c/parsing.py and o2c/money.py
    INVALID_ID = "invalid_id"
    INVALID_DATE = "invalid_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    INVALID_NUMBER = "invalid_number"
    OUT_OF_RANGE = "out_of_range"
    TOO_MANY_DECIMALS = "too_many_decimals"
    NOT_POSITIVE = "not_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    CONTROL_CHARACTER = "control_character"
    INVALID_CURRENCY = "invalid_currency"
    UNKNOWN_FIELD = "unknown_field"
    CONCURRENT_CHANGE = "concurrent_change"
    # shared by apps that cannot import each other's enums (stages side by side, a stage and reporting)
    TOO_MANY_LINES = "too_many_lines"
    NO_BILLING_EMAIL = "no_billing_email"
    PERIOD_REVERSED = "period_reversed"
    ORDER_NOT_SHIPPABLE = "order_not_shippable"
    # signed requests (o2c/signing.py): payment notifications
    SIGNATURE_NOT_CONFIGURED = "signature_not_configured"
    SIGNATURE_MISSING = "signature_missing"
    SIGNATURE_MALFORMED = "signature_malformed"
    SIGNATURE_EXPIRED = "signature_expired"
    SIGNATURE_MISMATCH = "signature_mismatch"
    # the API layer (o2c/api.py)
    DATABASE_UNAVAILABLE = "database_unavailable"
    IDEMPOTENCY_IN_FLIGHT = "idempotency_in_flight"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    # DRF's own codes (serializer fields, validators, exceptions), as DRF names them
    REQUIRED = "required"
    NULL = "null"
    BLANK = "blank"
    MAX_LENGTH = "max_length"
    MIN_LENGTH = "min_length"
    MAX_VALUE = "max_value"
    MIN_VALUE = "min_value"
    MAX_DIGITS = "max_digits"
    MAX_DECIMAL_PLACES = "max_decimal_places"
    MAX_WHOLE_DIGITS = "max_whole_digits"
    MAX_STRING_LENGTH = "max_string_length"
    INVALID_CHOICE = "invalid_choice"
    INVALID_IMAGE = "invalid_image"
    INVALID_UNICODE = "invalid_unicode"
    NOT_A_LIST = "not_a_list"
    NOT_A_DICT = "not_a_dict"
    EMPTY = "empty"
    NO_NAME = "no_name"
    DATE = "date"
    DATETIME = "datetime"
    MAKE_AWARE = "make_aware"
    OVERFLOW = "overflow"
    INCORRECT_TYPE = "incorrect_type"
    INCORRECT_MATCH = "incorrect_match"
    NO_MATCH = "no_match"
    DOES_NOT_EXIST = "does_not_exist"
    UNIQUE = "unique"
    UNIQUE_TOGETHER = "unique_together"
    NULL_CHARACTERS_NOT_ALLOWED = "null_characters_not_allowed"
    SURROGATE_CHARACTERS_NOT_ALLOWED = "surrogate_characters_not_allowed"
    PARSE_ERROR = "parse_error"
    AUTHORIZATION = "authorization"  # DRF's token serializer: wrong username or password
    AUTHENTICATION_FAILED = "authentication_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    ERROR = "error"


def error_codes() -> dict[str, type[ErrorCode]]:
    """Every code the project knows, with the enum that owns it (the enums already imported)."""
    return {member.value: enum for enum in ErrorCode.all_enums() for member in enum}


class DomainError(Exception):
    """Input the domain refuses: a 400, naming `field` when there is one, always with a `code`.

    `DomainError` and `Conflict` take the code at each raise (`code=OrderErrorCode.…`); their
    subclasses may set a class default. Anything but an `ErrorCode` member is refused here, and
    tests/kernel/test_errors.py finds a raise without one before it runs."""

    code: ErrorCode | None = None
    status_code = 400

    def __init__(self, message: str, *, code: ErrorCode | None = None, field: str | None = None):
        super().__init__(message)
        code = code if code is not None else type(self).code
        if not isinstance(code, ErrorCode):
            raise TypeError(f"{type(self).__name__} needs an ErrorCode member as its code, not {code!r}")
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict[str, list[str] | str]:
        """The body API.md names, without the code (the API's error handler adds it)."""
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class Conflict(DomainError):
    """An action the object's current state does not allow: a 409."""

    status_code = 409


class InvalidTransition(Conflict):
    code = KernelErrorCode.INVALID_TRANSITION


class CurrencyMismatch(DomainError):
    code = KernelErrorCode.CURRENCY_MISMATCH


class UnbalancedEntry(DomainError):
    code = KernelErrorCode.UNBALANCED_ENTRY


class ImmutableDocument(Conflict):
    code = KernelErrorCode.IMMUTABLE
