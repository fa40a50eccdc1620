"""One cell of an import read as the kinds need it, through o2c.parsing's rules (ASCII digits
only, control characters refused, dates within the supported years, amounts within MAX_AMOUNT),
plus what files from other systems carry: a decimal comma (`1.234,56`, `12,5`), dates as
`DD.MM.YYYY`, numbers and dates that a workbook stores as such, yes/no words.

Every reader raises a `DomainError` naming the column; an empty cell is None ("not given")."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from o2c.errors import DomainError, KernelErrorCode
from o2c.parsing import MAX_AMOUNT, date_check, parse_date, parse_decimal, text_check

_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\Z")
_TRUE = {"1", "true", "yes", "y", "x", "ja", "oui", "wahr"}
_FALSE = {"0", "false", "no", "n", "nein", "non", "falsch"}


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object, *, field: str, multiline: bool = False) -> str | None:
    """Text, stripped; a number a workbook stored (a code like 1001) as its digits."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    return text_check(text.strip(), field=field, multiline=multiline)


def _number_text(text: str) -> str:
    """`1.234,56` → `1234.56`, `1,234.56` → `1234.56`, `12,5` → `12.5`; spaces (also no-break
    and thin ones) and apostrophes between digit groups dropped."""
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rindex(",") > text.rindex(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        text = text.replace(group_mark, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    return text


def cell_decimal(
    value: object, *, field: str, places: int = 2, maximum: Decimal = MAX_AMOUNT, positive: bool = False
) -> Decimal | None:
    """A number ≥ 0 (> 0 when `positive`) with at most `places` decimals."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise DomainError("must be a number", field=field, code=KernelErrorCode.INVALID_NUMBER)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, str):
        value = _number_text(text_check(value, field=field))
    number = parse_decimal(value, field=field, places=places, maximum=maximum, minimum=Decimal("0"))
    if positive and number <= 0:
        raise DomainError("must be more than zero", field=field, code=KernelErrorCode.NOT_POSITIVE)
    return number


def cell_int(value: object, *, field: str, maximum: int) -> int | None:
    number = cell_decimal(value, field=field, places=0, maximum=Decimal(maximum))
    return None if number is None else int(number)


def cell_date(value: object, *, field: str) -> date | None:
    """`YYYY-MM-DD`, `DD.MM.YYYY`, or a workbook's date."""
    if is_empty(value):
        return None
    if isinstance(value, datetime | date):
        return date_check(value, field=field)
    text = text_check(str(value).strip(), field=field)
    match = _DOTTED_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date_check(date(year, month, day), field=field)
        except ValueError:
            raise DomainError(
                f"{text} is not a date", field=field, code=KernelErrorCode.INVALID_DATE
            ) from None
    try:
        return parse_date(text, field=field)
    except DomainError as error:
        if error.code == KernelErrorCode.INVALID_DATE:
            raise DomainError(
                f"{text[:40]} is not a date: write YYYY-MM-DD or DD.MM.YYYY",
                field=field,
                code=KernelErrorCode.INVALID_DATE,
            ) from None
        raise


def cell_bool(value: object, *, field: str) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise DomainError(
        "must be yes or no (or true/false, 1/0)", field=field, code=KernelErrorCode.INVALID_CHOICE
    )
