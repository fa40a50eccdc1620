"""Customer writes: create, update and the row lock the credit check takes.

Every write validates the master data the same way (VAT number, currency, payment terms, credit
limit, unique code), whoever calls it: the API, the pages, the demo seed. The credit terms
(`credit_limit`, `blocked`, `dunning_enabled`) change only by finance or a manager. Each change
lands in the pghistory audit trail through the model's triggers. An import's rows in bulk:
bulk.py.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from babel.numbers import list_currencies
from django.conf import settings
from django.db import IntegrityError, transaction
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from customers.einvoice import country_clean, invoice_format_clean, peppol_id_clean
from customers.errors import CreditTermsForbidden, CustomerErrorCode, PriceListForbidden
from customers.models import LANGUAGES, Customer, default_language
from customers.services.terms import MAX_DISCOUNT_PERCENT as MAX_DISCOUNT_PERCENT
from customers.services.terms import discount_terms_check, discount_terms_clean
from o2c import locks
from o2c.errors import DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.money import is_rounded, round_money
from o2c.parsing import MAX_AMOUNT, parse_decimal, text_check
from o2c.roles import FINANCE, MANAGER, has_role
from pricing.selectors import price_list_exists

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CREDIT_TERMS_FIELDS = ("credit_limit", "blocked", "dunning_enabled")
# The notifications a customer may turn off (docs/decisions/0046); invoices are not among them.
NOTIFICATION_FIELDS = (
    "notify_order_confirmation",
    "notify_order_review",
    "notify_shipping_notice",
    "notify_late_notice",
)
EDITABLE_FIELDS = (
    "code",
    "name",
    "email",
    "currency",
    "payment_terms_days",
    "discount_percent",
    "discount_days",
    "credit_limit",
    "blocked",
    "dunning_enabled",
    "tax_exempt",
    "vat_number",
    "billing_address",
    "shipping_address",
    "country",
    "peppol_id",
    "invoice_format",
    "language",
    *NOTIFICATION_FIELDS,
    "price_list",
)
CREDIT_TERMS_DEFAULTS = {"blocked": False, "dunning_enabled": True}  # and default_credit_limit()
MAX_PAYMENT_TERMS_DAYS = 365
MAX_CREDIT_LIMIT = MAX_AMOUNT  # as every amount: headroom and exposure sums then fit their columns

_EU_VAT_PREFIXES = frozenset(eu_vat.MEMBER_STATES) | {"el"}  # Greece files as EL
_OTHER_VAT = re.compile(r"^[A-Z]{2}[A-Z0-9]{2,13}$")
_VAT_REASONS = {
    "InvalidChecksum": "its check digit is wrong",
    "InvalidLength": "it has the wrong number of digits",
    "InvalidFormat": "it has the wrong format",
    "InvalidComponent": "it has the wrong format",
}


class _DefaultCreditLimit:
    """The marker of a credit limit not given: the customer takes `default_credit_limit()`."""

    def __repr__(self) -> str:
        return "DEFAULT_CREDIT_LIMIT"


DEFAULT_CREDIT_LIMIT = _DefaultCreditLimit()


def default_credit_limit() -> Decimal:
    """`O2C_DEFAULT_CREDIT_LIMIT` (0.00 unless configured): a new customer's first order waits for
    finance; no limit at all (None) is finance's or a manager's decision (decision 0023)."""
    return parse_decimal(
        settings.O2C_DEFAULT_CREDIT_LIMIT, field="O2C_DEFAULT_CREDIT_LIMIT", minimum=Decimal("0")
    )


def vat_number_clean(*, vat_number: str) -> str:
    """The VAT number in its compact form ("DE 811 907 980" → "DE811907980"); "" stays "".

    EU numbers (and Northern Ireland's XI) are checked digit by digit with python-stdnum; others
    need a two-letter country prefix followed by letters and digits."""
    compact = re.sub(r"[\s.\-/]", "", vat_number or "").upper()
    if not compact:
        return ""
    if compact[:2].lower() in _EU_VAT_PREFIXES:
        try:
            return eu_vat.validate(compact)
        except StdnumValidationError as error:
            reason = _VAT_REASONS.get(type(error).__name__, "it is not a valid number")
            raise DomainError(
                f"{compact} is not a valid VAT number: {reason}",
                field="vat_number",
                code=CustomerErrorCode.INVALID_VAT_NUMBER,
            ) from None
    if not _OTHER_VAT.match(compact):
        raise DomainError(
            "a VAT number starts with its two-letter country code, followed by letters and digits",
            field="vat_number",
            code=CustomerErrorCode.INVALID_VAT_NUMBER,
        )
    return compact


def code_clean(*, code: str) -> str:
    """A customer code: it names the customer's files (statements, letters, exports) and is typed
    into searches, so no NUL, line break, tab or other control character (quotes are fine: file
    names are made safe where they are sent)."""
    return text_check(code.strip(), field="code")


@functools.cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_clean(*, currency: str) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise DomainError(
            "an ISO 4217 code: three capital letters, like EUR",
            field="currency",
            code=KernelErrorCode.INVALID_CURRENCY,
        )
    if currency not in _known_currencies():
        raise DomainError(
            f"{currency} is not a known ISO 4217 currency",
            field="currency",
            code=KernelErrorCode.INVALID_CURRENCY,
        )
    return currency


def language_clean(*, language: str | None) -> str:
    """One of `customers.models.LANGUAGES`; None or blank: the default language."""
    value = (language or "").strip().lower() or default_language()
    if value not in dict(LANGUAGES):
        raise DomainError(
            f"language is one of {', '.join(dict(LANGUAGES))}",
            field="language",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    return value


def _fields_clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the master data in `fields`; raises a DomainError naming the field."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(
            f"unknown customer field {unknown[0]}", field=unknown[0], code=KernelErrorCode.UNKNOWN_FIELD
        )
    cleaned = dict(fields)
    for name in ("code", "name", "email"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                raise DomainError("this field may not be blank", field=name, code=KernelErrorCode.BLANK)
    if "code" in cleaned:
        cleaned["code"] = code_clean(code=cleaned["code"])
    if "language" in cleaned:
        cleaned["language"] = language_clean(language=cleaned["language"])
    if "currency" in cleaned:
        cleaned["currency"] = currency_clean(currency=cleaned["currency"])
    if "vat_number" in cleaned:
        cleaned["vat_number"] = vat_number_clean(vat_number=cleaned["vat_number"])
    if "country" in cleaned:
        cleaned["country"] = country_clean(country=cleaned["country"])
    if "peppol_id" in cleaned:
        cleaned["peppol_id"] = peppol_id_clean(peppol_id=cleaned["peppol_id"])
    if "invoice_format" in cleaned:
        cleaned["invoice_format"] = invoice_format_clean(invoice_format=cleaned["invoice_format"])
    if "payment_terms_days" in cleaned:
        days = cleaned["payment_terms_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
            raise DomainError(
                f"payment terms are 0 to {MAX_PAYMENT_TERMS_DAYS} days",
                field="payment_terms_days",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
    discount_terms_clean(cleaned)
    if cleaned.get("credit_limit") is not None:
        limit = Decimal(cleaned["credit_limit"])
        if not limit.is_finite() or limit < 0 or limit > MAX_CREDIT_LIMIT:
            raise DomainError(
                f"a credit limit is zero or more, at most {MAX_CREDIT_LIMIT} (empty for unlimited)",
                field="credit_limit",
                code=KernelErrorCode.OUT_OF_RANGE,
            )
        if not is_rounded(limit):
            raise DomainError(
                "a credit limit has at most 2 decimal places",
                field="credit_limit",
                code=KernelErrorCode.TOO_MANY_DECIMALS,
            )
        cleaned["credit_limit"] = round_money(limit)
    if cleaned.get("price_list") is not None:
        cleaned["price_list"] = _price_list_clean(cleaned["price_list"])
    return cleaned


def _price_list_clean(value: Any) -> Any:
    """The price list of this id (given as the id or the list itself), or a 400 naming it."""
    price_list_id = getattr(value, "pk", value)
    found = price_list_exists(price_list_id=price_list_id) if isinstance(price_list_id, int) else None
    if found is None:
        raise DomainError(
            f"price list {price_list_id} does not exist",
            field="price_list",
            code=KernelErrorCode.DOES_NOT_EXIST,
        )
    return found


def _price_list_check(*, fields: dict[str, Any], changed: list[str], by: User | None) -> None:
    """A manager's decision (`by` None is the system); the list is in the customer's currency."""
    if "price_list" not in changed:
        return
    if by is not None and not has_role(by, MANAGER):
        raise PriceListForbidden()
    price_list = fields.get("price_list")
    if price_list is not None and price_list.currency != fields["currency"]:
        raise DomainError(
            f"{price_list.name} is in {price_list.currency}; the customer is billed in {fields['currency']}",
            field="price_list",
            code=KernelErrorCode.CURRENCY_MISMATCH,
        )


def _credit_terms_check(*, changed: list[str], by: User | None) -> None:
    """`by` None is the system itself (demo data, imports); a user needs finance or manager."""
    forbidden = [name for name in CREDIT_TERMS_FIELDS if name in changed]
    if forbidden and by is not None and not has_role(by, FINANCE):
        raise CreditTermsForbidden(forbidden)


def _save(customer: Customer, *, update_fields: list[str] | None = None) -> None:
    discount_terms_check(customer)
    customer.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # a savepoint: a concurrent duplicate code is a 400, not a 500
            customer.save(update_fields=update_fields)
    except IntegrityError:
        raise DomainError(
            f"a customer with code {customer.code} already exists",
            field="code",
            code=CustomerErrorCode.DUPLICATE_CUSTOMER_CODE,
        ) from None


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    email: str,
    currency: str = "EUR",
    payment_terms_days: int = 30,
    discount_percent: Decimal | str = Decimal("0.00"),
    discount_days: int = 0,
    credit_limit: Decimal | _DefaultCreditLimit | None = DEFAULT_CREDIT_LIMIT,
    blocked: bool = False,
    dunning_enabled: bool = True,
    tax_exempt: bool = False,
    vat_number: str = "",
    billing_address: str = "",
    shipping_address: str = "",
    country: str = "",
    peppol_id: str = "",
    invoice_format: str = "pdf",
    language: str | None = None,
    notify_order_confirmation: bool = True,
    notify_order_review: bool = True,
    notify_shipping_notice: bool = True,
    notify_late_notice: bool = True,
    price_list: Any = None,
    by: User | None = None,
) -> Customer:
    """A new customer. Without `credit_limit` it takes `default_credit_limit()`; `credit_limit=None`
    (unlimited), another limit, `blocked` or no dunning need finance or a manager (`by` None is the
    system: demo data, imports)."""
    default_limit = default_credit_limit()
    if credit_limit is DEFAULT_CREDIT_LIMIT:
        credit_limit = default_limit
    fields = _fields_clean(
        {
            "code": code,
            "name": name,
            "email": email,
            "currency": currency,
            "payment_terms_days": payment_terms_days,
            "discount_percent": discount_percent,
            "discount_days": discount_days,
            "credit_limit": credit_limit,
            "blocked": blocked,
            "dunning_enabled": dunning_enabled,
            "tax_exempt": tax_exempt,
            "vat_number": vat_number,
            "billing_address": billing_address,
            "shipping_address": shipping_address,
            "country": country,
            "peppol_id": peppol_id,
            "invoice_format": invoice_format,
            "language": language,
            "notify_order_confirmation": notify_order_confirmation,
            "notify_order_review": notify_order_review,
            "notify_shipping_notice": notify_shipping_notice,
            "notify_late_notice": notify_late_notice,
            "price_list": price_list,
        }
    )
    _price_list_check(fields=fields, changed=["price_list"] if price_list is not None else [], by=by)
    defaults = {"credit_limit": default_limit, **CREDIT_TERMS_DEFAULTS}
    _credit_terms_check(
        changed=[name for name, default in defaults.items() if fields[name] != default], by=by
    )
    if Customer.objects.filter(code=fields["code"]).exists():
        raise DomainError(
            f"a customer with code {fields['code']} already exists",
            field="code",
            code=CustomerErrorCode.DUPLICATE_CUSTOMER_CODE,
        )
    customer = Customer(**fields)
    _save(customer)
    event_emit("customer.created", customer)
    return customer


def _has_documents(customer: Customer) -> bool:
    """Orders, quotations, invoices or payments: all in its currency (decision 0062)."""
    return any(
        related.exists()
        for related in (customer.orders, customer.quotations, customer.invoices, customer.payments)
    )


@transaction.atomic
def customer_update(*, customer_id: int, by: User | None, **fields: Any) -> Customer:
    """Change the master data in `fields` (only those given); returns the customer.

    Locks the row first, so a concurrent change of the credit limit is not lost. The credit
    terms need finance or a manager (`CreditTermsForbidden`, a 403); nothing is written then."""
    cleaned = _fields_clean(fields)
    customer = locks.customer_lock(customer_id=customer_id)
    changed = [name for name, value in cleaned.items() if getattr(customer, name) != value]
    _credit_terms_check(changed=changed, by=by)
    _price_list_check(fields={"currency": customer.currency, **cleaned}, changed=changed, by=by)
    if not changed:
        return customer
    if "currency" in changed and _has_documents(customer):
        raise DomainError(
            f"{customer.code} has documents in {customer.currency}; open a new customer for {cleaned['currency']}",
            field="currency",
            code=CustomerErrorCode.CURRENCY_IN_USE,
        )
    if "code" in changed and Customer.objects.filter(code=cleaned["code"]).exclude(pk=customer.pk).exists():
        raise DomainError(
            f"a customer with code {cleaned['code']} already exists",
            field="code",
            code=CustomerErrorCode.DUPLICATE_CUSTOMER_CODE,
        )
    for name in changed:
        setattr(customer, name, cleaned[name])
    _save(customer, update_fields=[*changed, "updated_at"])
    event_emit("customer.updated", customer, fields=changed)
    return customer
