"""Ledger dates (issue 11, decision 0024): the lock date, the books' start, a year ahead at most,
reversals not before their original; checked once, in the posting service, for every source."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pghistory.models
import pytest
import time_machine
from django.utils import timezone

from inventory.models import StockMove
from ledger import services
from ledger.models import JournalEntry, LedgerSettings
from ledger.services import LineSpec
from o2c.errors import DomainError
from receivables.models import DunningRun, Payment
from tests.builders import a_customer, a_product, a_warehouse, an_invoice, stock
from tests.errors import error_code

pytestmark = pytest.mark.django_db

TEN = [LineSpec(account="bank", debit=Decimal("10.00")), LineSpec(account="revenue", credit=Decimal("10.00"))]


def post(on: date):
    return services.journal_entry_post(entry_date=on, memo="test", lines=TEN)


def refusal(call) -> tuple[str | None, str]:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.field, refused.value.code


@pytest.mark.parametrize(
    "on, code",
    [
        (date(1, 1, 1), "date_out_of_range"),
        (date(9999, 12, 31), "date_out_of_range"),
        (date(1900, 1, 1), "before_books_start"),
        (date(1999, 12, 31), "before_books_start"),
    ],
)
def test_dates_outside_the_books_are_refused(on, code):
    assert refusal(lambda: post(on)) == ("date", code)
    assert not JournalEntry.objects.exists()


def test_a_year_ahead_at_most():
    today = timezone.localdate()
    ahead = (
        today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today + timedelta(365)
    )
    assert post(ahead).date == ahead
    assert refusal(lambda: post(ahead + timedelta(days=1))) == ("date", "date_too_far_ahead")
    assert post(date(2000, 1, 1)).date == date(2000, 1, 1)


def test_nothing_is_posted_on_or_before_the_lock_date(make_user):
    services.lock_date_set(lock_date=date(2026, 10, 31), by=make_user("finance"))
    assert refusal(lambda: post(date(2026, 10, 31))) == ("date", "period_locked")
    assert refusal(lambda: post(date(2026, 1, 1))) == ("date", "period_locked")
    assert post(date(2026, 11, 1)).date == date(2026, 11, 1)


def test_every_source_goes_through_the_check_and_nothing_is_half_saved(make_user):
    # a stock receipt posts with today's date; back on a day now locked, it is refused whole
    a_warehouse()
    product = a_product()
    services.lock_date_set(lock_date=timezone.localdate() - timedelta(days=1), by=make_user("finance"))
    yesterday = datetime.combine(timezone.localdate() - timedelta(days=1), datetime.min.time())
    with (
        time_machine.travel(yesterday.replace(hour=12).astimezone(), tick=False),
        pytest.raises(DomainError) as refused,
    ):
        stock(product, "5")
    assert refused.value.code == "period_locked"
    assert not StockMove.objects.exists() and not JournalEntry.objects.exists()


def test_a_reversal_is_not_dated_before_its_original():
    original = post(date(2026, 11, 2))
    assert refusal(
        lambda: services.journal_entry_reverse(entry_id=original.pk, reason="x", entry_date=date(2026, 11, 1))
    ) == ("date", "reversal_before_original")
    assert services.journal_entry_reverse(entry_id=original.pk, reason="x", entry_date=date(2026, 11, 2))


def test_a_reversal_in_a_locked_period_is_refused(make_user):
    original = post(date(2026, 11, 2))
    services.lock_date_set(lock_date=date(2026, 11, 30), by=make_user("finance"))
    assert refusal(
        lambda: services.journal_entry_reverse(entry_id=original.pk, reason="x", entry_date=date(2026, 11, 5))
    ) == ("date", "period_locked")


def test_the_lock_date_moves_forward_for_finance_and_back_only_for_a_manager(make_user):
    finance = make_user("finance")
    services.lock_date_set(lock_date=date(2026, 10, 31), by=finance)
    services.lock_date_set(lock_date=date(2026, 11, 30), by=finance)
    assert refusal(lambda: services.lock_date_set(lock_date=date(2026, 10, 31), by=finance)) == (
        "lock_date",
        "lock_date_backwards",
    )
    assert refusal(lambda: services.lock_date_set(lock_date=None, by=finance)) == (
        "lock_date",
        "lock_date_backwards",
    )
    assert LedgerSettings.objects.get().lock_date == date(2026, 11, 30)
    manager = make_user("manager")
    services.lock_date_set(lock_date=date(2026, 10, 31), by=manager)
    assert LedgerSettings.objects.get().lock_date == date(2026, 10, 31)
    services.lock_date_set(lock_date=None, by=manager)
    assert LedgerSettings.objects.get().lock_date is None
    history = pghistory.models.Events.objects.references(LedgerSettings.objects.get()).order_by(
        "pgh_created_at"
    )
    assert len(history) >= 4


def test_the_lock_date_is_a_past_day(make_user):
    today = timezone.localdate()
    assert refusal(lambda: services.lock_date_set(lock_date=today, by=make_user("finance"))) == (
        "lock_date",
        "lock_date_not_past",
    )


# --- the API ----------------------------------------------------------------------------------


def test_the_lock_date_api(api_client_for):
    finance = api_client_for("finance")
    assert finance.get("/api/v1/ledger/lock-date/").json()["lock_date"] is None
    response = finance.put("/api/v1/ledger/lock-date/", {"lock_date": "2026-10-31"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["lock_date"], body["books_start"], body["updated_by"]) == (
        "2026-10-31",
        "2000-01-01",
        finance.user.username,
    )
    back = finance.put("/api/v1/ledger/lock-date/", {"lock_date": None}, format="json")
    assert back.status_code == 400 and "lock_date" in back.json()
    assert error_code(back) == "lock_date_backwards"
    assert api_client_for("sales").get("/api/v1/ledger/lock-date/").status_code == 403
    manual = {
        "date": "2026-10-31",
        "memo": "late",
        "lines": [{"account": "bank", "debit": "1.00"}, {"account": "revenue", "credit": "1.00"}],
    }
    refused = finance.post("/api/v1/ledger/entries/", manual, format="json")
    assert refused.status_code == 400 and "date" in refused.json()
    assert error_code(refused) == "period_locked"
    for day in ("0001-01-01", "9999-12-31"):
        far = finance.post("/api/v1/ledger/entries/", {**manual, "date": day}, format="json")
        assert far.status_code == 400 and "date" in far.json()
        assert error_code(far) == "date_out_of_range"
    assert not JournalEntry.objects.exists()


def test_the_lock_date_is_in_the_schema(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert {"get", "put"} <= set(schema["paths"]["/api/v1/ledger/lock-date/"])


@pytest.mark.parametrize(
    "received_on, code",
    [
        ("1900-01-01", "before_books_start"),
        ("0001-01-01", "date_out_of_range"),
        ("1999-12-31", "before_books_start"),
    ],
)
def test_a_payment_dated_before_the_books_is_a_400_naming_received_on(api_client_for, received_on, code):
    customer = a_customer()
    an_invoice(customer, "100.00")
    body = {"customer": customer.pk, "amount": "10.00", "reference": "R1", "received_on": received_on}
    response = api_client_for("finance").post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400 and "received_on" in response.json()
    assert error_code(response) == code
    assert not Payment.objects.exists()


def test_a_payment_in_a_locked_period_is_a_400_naming_received_on(api_client_for, make_user):
    customer = a_customer()
    services.lock_date_set(lock_date=date(2026, 10, 31), by=make_user("finance", "closer"))
    body = {"customer": customer.pk, "amount": "10.00", "reference": "R1", "received_on": "2026-10-15"}
    response = api_client_for("finance").post("/api/v1/payments/", body, format="json")
    assert response.status_code == 400 and "received_on" in response.json()
    assert error_code(response) == "period_locked"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("as_of", ["0100-01-01", "1899-12-31"])
def test_a_dunning_run_as_of_year_100_is_a_400(api_client_for, as_of):
    response = api_client_for("finance").post("/api/v1/dunning/runs/", {"as_of": as_of}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()
    assert error_code(response) == "date_out_of_range"
    assert not DunningRun.objects.exists()


# --- the page ---------------------------------------------------------------------------------


def test_finance_sets_the_lock_date_on_its_page(client, make_user):
    finance = make_user("finance")
    client.force_login(finance)
    page = client.get("/ledger/lock-date/")
    assert page.status_code == 200 and "no period is locked" in page.text
    assert 'href="/ledger/lock-date/"' in page.text  # in the nav
    saved = client.post("/ledger/lock-date/", {"lock_date": "2026-10-31"}, follow=True)
    assert "locked up to 2026-10-31" in saved.text
    back = client.post("/ledger/lock-date/", {"lock_date": "2026-09-30"})
    assert back.status_code == 200 and "lock_date" in back.context["form"].errors
    assert LedgerSettings.objects.get().lock_date == date(2026, 10, 31)
    client.force_login(make_user("sales"))
    assert client.get("/ledger/lock-date/").status_code == 403


def test_a_reversal_dated_before_its_original_is_a_400_naming_date(api_client_for):
    original = post(date(2026, 11, 2))
    response = api_client_for("finance").post(
        f"/api/v1/ledger/entries/{original.pk}/reverse/", {"reason": "x", "date": "2026-11-01"}, format="json"
    )
    assert response.status_code == 400 and "date" in response.json()
    assert error_code(response) == "reversal_before_original"
    assert JournalEntry.objects.count() == 1


def test_a_payment_notification_dated_before_the_books_is_a_400(client, settings):
    import json

    from o2c.signing import HEADER, signature_header

    settings.O2C_PAYMENT_NOTIFICATION_SECRET = "s3cret"
    customer = a_customer()
    body = json.dumps(
        {
            "id": "evt-1",
            "customer": customer.code,
            "amount": "10.00",
            "currency": "EUR",
            "received_on": "1900-01-01",
        }
    ).encode()
    response = client.post(
        "/api/v1/payment-notifications/",
        body,
        content_type="application/json",
        headers={HEADER: signature_header(secret="s3cret", body=body)},
    )
    assert response.status_code == 400 and "received_on" in response.json()
    assert error_code(response) == "before_books_start"
    assert not Payment.objects.exists()
