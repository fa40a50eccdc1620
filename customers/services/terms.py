"""Cash discount terms of a customer (decision 0056): 2 % within 10 days, net 30."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from customers.errors import CustomerErrorCode
from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import parse_decimal

if TYPE_CHECKING:
    from customers.models import Customer

MAX_DISCOUNT_PERCENT = Decimal("50.00")  # a cash discount above this is a typo, not a term
MAX_DAYS = 365
ZERO, HUNDRED = Decimal("0"), Decimal("100")


def discount_terms_clean(cleaned: dict[str, Any]) -> None:
    """`discount_percent` and `discount_days` in `cleaned`, checked and normalised in place."""
    if "discount_percent" in cleaned:
        percent = parse_decimal(
            cleaned["discount_percent"], field="discount_percent", minimum=ZERO, maximum=HUNDRED
        )
        cleaned["discount_percent"] = percent
        if cleaned["discount_percent"] > MAX_DISCOUNT_PERCENT:
            raise DomainError(
                f"a cash discount is at most {MAX_DISCOUNT_PERCENT} %",
                field="discount_percent",
                code=CustomerErrorCode.DISCOUNT_PERCENT_TOO_HIGH,
            )
    if "discount_days" in cleaned:
        days = cleaned["discount_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
            raise DomainError(
                f"discount days are 0 to {MAX_DAYS}",
                field="discount_days",
                code=KernelErrorCode.OUT_OF_RANGE,
            )


def discount_terms_check(customer: Customer) -> None:
    """A cash discount runs for at least a day and ends by the net due date (2 % 10, net 30)."""
    if customer.discount_percent > 0 and not 1 <= customer.discount_days <= customer.payment_terms_days:
        raise DomainError(
            f"the discount period is 1 to {customer.payment_terms_days} days (the net terms)",
            field="discount_days",
            code=CustomerErrorCode.DISCOUNT_PERIOD_INVALID,
        )
