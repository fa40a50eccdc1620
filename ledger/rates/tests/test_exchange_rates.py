"""Exchange rates: entered by date (a second rate for the same day replaces the first), read as of a
date, and imported from the ECB's reference rates files as the ECB publishes them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.rates.models import ExchangeRate
from ledger.rates.selectors import rate_on
from ledger.rates.services import exchange_rate_set, exchange_rates_import_ecb
from o2c.errors import DomainError

pytestmark = pytest.mark.django_db

# The layout of https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip (one day, a trailing comma)
# and of eurofxref-hist.zip (ISO dates, N/A where the ECB published nothing).
DAILY = b"Date, USD, JPY, BGN, CZK, GBP, CHF, \n04 December 2026, 1.0812, 163.45, 1.9558, 25.104, 0.85715, 0.9402, \n"
HISTORY = (
    b"Date,USD,JPY,CYP,GBP,CHF,\n"
    b"2026-12-04,1.0812,163.45,N/A,0.85715,0.9402,\n"
    b"2026-12-03,1.0790,162.90,N/A,0.85601,0.9388,\n"
)


def test_the_rate_of_a_date_is_the_latest_valid_on_it():
    exchange_rate_set(currency="usd", rate="1.0790", valid_on=date(2026, 12, 3))
    exchange_rate_set(currency="USD", rate="1.0812", valid_on=date(2026, 12, 4))
    exchange_rate_set(currency="USD", rate="1.0815", valid_on=date(2026, 12, 4))  # corrected
    assert ExchangeRate.objects.filter(currency="USD").count() == 2
    assert rate_on(currency="USD", on=date(2026, 12, 6)) == Decimal("1.0815")
    assert rate_on(currency="USD", on=date(2026, 12, 3)) == Decimal("1.0790")
    assert rate_on(currency="USD", on=date(2026, 12, 2)) is None
    assert rate_on(currency="EUR", on=date(2026, 12, 2)) == 1


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [("XYZ", "1", "currency"), ("EUR", "1", "currency"), ("USD", "0", "rate"), ("USD", "-1.2", "rate"),
     ("USD", "1.123456789", "rate"), ("USD", "1e999", "rate"), ("USD", "١٫٢", "rate")],
)  # fmt: skip
def test_bad_rates_name_their_field(currency, rate, field):
    with pytest.raises(DomainError) as refused:
        exchange_rate_set(currency=currency, rate=rate, valid_on=date(2026, 12, 4))
    assert refused.value.field == field
    assert not ExchangeRate.objects.exists()


def test_the_ecb_daily_and_history_files():
    assert exchange_rates_import_ecb(content=DAILY) == 6
    assert rate_on(currency="GBP", on=date(2026, 12, 4)) == Decimal("0.85715")
    assert exchange_rates_import_ecb(content=HISTORY) == 8  # CYP: N/A, skipped; the 4th again, replaced
    assert ExchangeRate.objects.filter(valid_on=date(2026, 12, 4)).count() == 6
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {"ecb"}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00",
        b"Currency,Rate\nUSD,1.08\n",
        b"Date,USD\n2026-02-30,1.08\n",
        b"Date,USD\n2026-12-04,=1+2\n",
    ],
)
def test_a_file_that_is_not_the_ecbs_writes_nothing(content):
    with pytest.raises(DomainError) as refused:
        exchange_rates_import_ecb(content=content)
    assert refused.value.field == "file"
    assert not ExchangeRate.objects.exists()


def test_the_api(api_client_for):
    finance = api_client_for("finance")
    made = finance.post(
        "/api/v1/exchange-rates/",
        {"currency": "CHF", "rate": "0.9402", "valid_on": "2026-12-04"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["rate"] == "0.94020000"
    refused = finance.post(
        "/api/v1/exchange-rates/", {"currency": "CHF", "rate": "x", "valid_on": "2026-12-04"}, format="json"
    )
    assert refused.status_code == 400 and "rate" in refused.json()
    uploaded = finance.post(
        "/api/v1/exchange-rates/ecb/",
        {"file": SimpleUploadedFile("eurofxref.csv", DAILY)},
        format="multipart",
    )
    assert uploaded.status_code == 201 and uploaded.json() == {"written": 6}
    listed = finance.get("/api/v1/exchange-rates/?currency=CHF").json()
    assert [row["valid_on"] for row in listed["results"]] == ["2026-12-04"]
    assert api_client_for("sales").get("/api/v1/exchange-rates/").status_code == 403
