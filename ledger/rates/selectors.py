"""Exchange rate reads: the list, and the rate of a currency on a date (the latest valid on it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from ledger.rates.models import ExchangeRate


def exchange_rate_list() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("created_by")


def rate_on(*, currency: str, on: date) -> Decimal | None:
    """Units of `currency` per base unit on `on`: 1 for the base currency, else the latest rate
    valid on that date, or None when there is none."""
    if currency == settings.O2C_BASE_CURRENCY:
        return Decimal(1)
    rate: Decimal | None = (
        ExchangeRate.objects.filter(currency=currency, valid_on__lte=on)
        .order_by("-valid_on")
        .values_list("rate", flat=True)
        .first()
    )
    return rate
