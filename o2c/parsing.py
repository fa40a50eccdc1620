"""Untrusted input, parsed one way everywhere: ids, dates, amounts, quantities, text, file names.

API serializers, forms, page parameters, bank files and provider events all go through these
helpers, so odd input is refused as a class, not an instance: Unicode digits that pass
`str.isdigit()` (`²`, `٣`), NUL and other control characters, years outside the supported
range, amounts beyond what every column and every sum can hold, `NaN` and `Infinity`. Each
refusal is a `DomainError` naming the field, which the API answers with a 400 and a page with a
message, never a 500.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from o2c.errors import DomainError
from o2c.errors import KernelErrorCode as Code

# Business dates the application accepts anywhere (documents, reports, statements, files).
MIN_YEAR = 1900
MAX_YEAR = 2200
MIN_DATE = date(MIN_YEAR, 1, 1)
MAX_DATE = date(MAX_YEAR, 12, 31)

# The largest amount of one document, line, payment or journal line. Amount columns are
# numeric(18, 2), so up to 10^16; bounding each amount at 10^10 keeps the sum of a million of them
# (a trial balance, an aging total, a year of sales) inside the column and every serializer.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("999999999.999")  # numeric(12, 3)
MAX_ID = 2**63 - 1  # bigint

_ASCII_DIGITS = re.compile(r"[0-9]+\Z")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def parse_id(value: object, *, field: str) -> int:
    """A primary key: a positive int, or a string of ASCII digits that fits a bigint."""
    if isinstance(value, bool):
        raise DomainError("must be an id (a positive whole number)", field=field, code=Code.INVALID_ID)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.match(value.strip()):
        number = int(value.strip())
    else:
        raise DomainError("must be an id (a positive whole number)", field=field, code=Code.INVALID_ID)
    if not 1 <= number <= MAX_ID:
        raise DomainError("must be an id (a positive whole number)", field=field, code=Code.INVALID_ID)
    return number


def parse_optional_id(value: object, *, field: str) -> int | None:
    """`parse_id`, with None or an empty string meaning no id."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_id(value, field=field)


def date_check(value: date, *, field: str) -> date:
    """A date already parsed (by a form, a serializer, a file) inside the supported years."""
    if isinstance(value, datetime):
        value = value.date()
    if not MIN_DATE <= value <= MAX_DATE:
        raise DomainError(
            f"must be a date between {MIN_YEAR} and {MAX_YEAR}", field=field, code=Code.DATE_OUT_OF_RANGE
        )
    return value


def parse_date(value: object, *, field: str) -> date:
    """A date as `YYYY-MM-DD` (ASCII digits only), in the supported years."""
    if isinstance(value, date):
        return date_check(value, field=field)
    match = _ISO_DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise DomainError("must be a date as YYYY-MM-DD", field=field, code=Code.INVALID_DATE)
    try:
        parsed = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DomainError("must be a date as YYYY-MM-DD", field=field, code=Code.INVALID_DATE) from None
    return date_check(parsed, field=field)


def parse_optional_date(value: object, *, field: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field=field)


def parse_decimal(
    value: object,
    *,
    field: str,
    places: int = 2,
    maximum: Decimal = MAX_AMOUNT,
    minimum: Decimal | None = None,
) -> Decimal:
    """A decimal from a string (ASCII digits, one optional sign and point), an int or a Decimal:
    finite, at most `places` decimals, and `minimum` ≤ value ≤ `maximum` (by default no more
    than `maximum` in absolute value). Floats are refused: they are already inexact."""
    if isinstance(value, bool | float):
        raise DomainError(
            'must be a number written as a string, such as "12.50"', field=field, code=Code.INVALID_NUMBER
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str) and _DECIMAL.match(value.strip()):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise DomainError("must be a number", field=field, code=Code.INVALID_NUMBER) from None
    else:
        raise DomainError("must be a number", field=field, code=Code.INVALID_NUMBER)
    if not number.is_finite():
        raise DomainError("must be a finite number", field=field, code=Code.INVALID_NUMBER)
    low = -maximum if minimum is None else minimum
    if number > maximum or number < low:
        raise DomainError(f"must be between {low} and {maximum}", field=field, code=Code.OUT_OF_RANGE)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise DomainError(f"has at most {places} decimals", field=field, code=Code.TOO_MANY_DECIMALS)
    return number


def parse_amount(value: object, *, field: str, positive: bool = True) -> Decimal:
    """A money amount: at most two decimals, within `MAX_AMOUNT`; positive unless told."""
    amount = parse_decimal(value, field=field, minimum=None if not positive else Decimal("0"))
    if positive and amount <= 0:
        raise DomainError("must be more than zero", field=field, code=Code.NOT_POSITIVE)
    return amount


def parse_quantity(value: object, *, field: str) -> Decimal:
    """A positive quantity with at most three decimals."""
    quantity = parse_decimal(value, field=field, places=3, maximum=MAX_QUANTITY, minimum=Decimal("0"))
    if quantity <= 0:
        raise DomainError("must be more than zero", field=field, code=Code.NOT_POSITIVE)
    return quantity


def text_check(value: str, *, field: str, multiline: bool = False) -> str:
    """Refuse NUL and other control characters (line breaks and tabs allowed when `multiline`)."""
    if value.isprintable():  # the common case, at C speed: no Cc or Cs character in it
        return value
    allowed = {"\n", "\r", "\t"} if multiline else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs"):
            raise DomainError("contains a control character", field=field, code=Code.CONTROL_CHARACTER)
    return value


def safe_filename(name: str, *, fallback: str = "download") -> str:
    """A file name for a download: no path separators, quotes or control characters."""
    cleaned = "".join(
        "_" if char in '/\\"' or (unicodedata.category(char)[0] in ("C", "Z") and char != " ") else char
        for char in name
    ).strip(" .")
    return cleaned[:150] or fallback


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """`Content-Disposition` per RFC 6266: an ASCII `filename` and the exact `filename*`."""
    name = safe_filename(filename)
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def parse_id_or_code(value: str, *, field: str) -> int | str:
    """A reference that is a document's id (ASCII digits) or its code or number: the id as an
    int, else the stripped text (control characters refused)."""
    reference = text_check(value, field=field).strip()
    if reference and reference.isascii() and reference.isdigit():
        return parse_id(reference, field=field)
    return reference
