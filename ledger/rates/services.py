"""Exchange rate writes: a rate entered for a currency and date (a second one for the same day
replaces it: rates are corrected, not stacked), and the ECB reference rates CSV file a user
uploads (the daily `eurofxref.csv` or the history `eurofxref-hist.csv`, as the ECB publishes them:
a `Date` column, then one column per currency; `N/A` where the ECB published none)."""

from __future__ import annotations

import csv
import functools
import io
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import list_currencies
from django.conf import settings
from django.db import transaction

from ledger.rates.errors import RateErrorCode
from ledger.rates.models import ExchangeRate
from o2c.errors import DomainError
from o2c.parsing import date_check, parse_decimal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_FILE_BYTES = 5 * 1024 * 1024  # the whole history since 1999 is about 1.5 MB


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _currency_clean(currency: str, *, field: str = "currency") -> str:
    code = currency.strip().upper()
    if code not in _currencies():
        raise DomainError(
            f"{currency!r} is not an ISO 4217 currency", field=field, code=RateErrorCode.UNKNOWN_CURRENCY
        )
    if code == settings.O2C_BASE_CURRENCY:
        raise DomainError(
            f"{code} is the base currency: its rate is 1", field=field, code=RateErrorCode.BASE_CURRENCY
        )
    return code


def _rate_clean(value: object, *, field: str = "rate") -> Decimal:
    """More than 0, at most 8 decimals (the ECB publishes 4 to 6)."""
    return parse_decimal(
        value, field=field, places=8, maximum=Decimal("9999999999"), minimum=Decimal("0.00000001")
    )


def exchange_rate_set(
    *, currency: str, rate: Decimal | str, valid_on: date, by: User | None = None, source: str = "manual"
) -> ExchangeRate:
    code = _currency_clean(currency)
    date_check(valid_on, field="valid_on")
    row, _ = ExchangeRate.objects.update_or_create(
        currency=code,
        valid_on=valid_on,
        defaults={"rate": _rate_clean(rate), "source": source, "created_by": by},
    )
    return row


def _ecb_date(text: str) -> date:
    for layout in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return date_check(datetime.strptime(text.strip(), layout).date(), field="file")
        except ValueError:
            continue
    raise DomainError(
        f"{text!r} is not a date of the ECB's files", field="file", code=RateErrorCode.NOT_AN_ECB_FILE
    )


@transaction.atomic
def exchange_rates_import_ecb(*, content: bytes, by: User | None = None) -> int:
    """Every rate of the file, all or nothing; returns how many were written."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError("the file is larger than 5 MB", field="file", code=RateErrorCode.NOT_AN_ECB_FILE)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("not a UTF-8 text file", field="file", code=RateErrorCode.NOT_AN_ECB_FILE) from None
    rows = [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)
    ]
    if len(rows) < 2 or rows[0][0] != "Date":
        raise DomainError(
            "not an ECB reference rates file: the first column is not `Date`",
            field="file",
            code=RateErrorCode.NOT_AN_ECB_FILE,
        )
    header = rows[0]
    columns = [
        (index, name.upper()) for index, name in enumerate(header) if index and name and name.upper() in _currencies()
        and name.upper() != settings.O2C_BASE_CURRENCY
    ]  # fmt: skip
    written = 0
    for row in rows[1:]:
        valid_on = _ecb_date(row[0])
        for index, code in columns:
            value = row[index] if index < len(row) else ""
            if not value or value.upper() == "N/A":
                continue
            rate = _rate_clean(value, field="file")
            ExchangeRate.objects.update_or_create(
                currency=code, valid_on=valid_on, defaults={"rate": rate, "source": "ecb", "created_by": by}
            )
            written += 1
    return written
