"""The customers app's error codes and its DomainError subclasses (decision 0038)."""

from __future__ import annotations

from typing import Any

from o2c.errors import DomainError, ErrorCode


class CustomerErrorCode(ErrorCode):
    INVALID_VAT_NUMBER = "invalid_vat_number"
    DUPLICATE_CUSTOMER_CODE = "duplicate_customer_code"
    CREDIT_TERMS_FORBIDDEN = "credit_terms_forbidden"
    DISCOUNT_PERIOD_INVALID = "discount_period_invalid"  # a discount runs 1 … net days (0056)
    DISCOUNT_PERCENT_TOO_HIGH = "discount_percent_too_high"  # above MAX_DISCOUNT_PERCENT: a typo
    PAYMENT_TERMS_CONFLICT = "payment_terms_conflict"  # net_days ≠ payment_terms_days
    PRICE_LIST_FORBIDDEN = "price_list_forbidden"
    INVALID_PEPPOL_ID = "invalid_peppol_id"
    INVALID_COUNTRY = "invalid_country"
    CURRENCY_IN_USE = "currency_in_use"  # its documents are in the old one (0062)


class CreditTermsForbidden(DomainError):
    """A user without finance (or manager) rights tried to change a customer's credit terms."""

    code = CustomerErrorCode.CREDIT_TERMS_FORBIDDEN
    status_code = 403

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(f"only finance or a manager may change {', '.join(fields)}", field=fields[0])

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": self.message,
            **{field: ["only finance or a manager may change this"] for field in self.fields},
        }


class PriceListForbidden(DomainError):
    """Only a manager gives a customer its price list (API.md's roles: price lists, manager)."""

    code = CustomerErrorCode.PRICE_LIST_FORBIDDEN
    status_code = 403

    def __init__(self) -> None:
        super().__init__("only a manager may change the price list", field="price_list")
