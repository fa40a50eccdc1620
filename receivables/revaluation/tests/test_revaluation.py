"""Month-end revaluation (decision 0062), worked by hand on the invoice of
receivables/cash/tests/test_foreign_currency.py: 1,190.00 USD kept at 1,081.82 EUR (rate 1.10).
At 1.05 on the revaluation date it is worth 1,190.00 / 1.05 = 1,133.33: an unrealised gain of
51.51, posted that day and reversed the next."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ledger.models import JournalEntry
from ledger.rates.services import exchange_rate_set
from ledger.selectors import account_balance, trial_balance
from o2c import pipeline
from o2c.roles import FINANCE
from receivables.cash.services import AllocationInput
from receivables.cash.tests.test_foreign_currency import usd_invoice
from receivables.revaluation.services import revaluation_run
from tests.books import assert_books_in_step

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_revaluation_posts_the_unrealised_gain_and_reverses_it_the_next_day_once_per_date():
    customer, invoice = usd_invoice()
    on = timezone.localdate() - timedelta(days=3)
    exchange_rate_set(currency="USD", rate="1.05", valid_on=on)
    result = revaluation_run(on=on)
    assert result.created and result.difference == D("51.51")
    (row,) = result.currencies
    assert (row.currency, row.balance, row.kept_base, row.revalued_base) == (
        "USD",
        D("1190.00"),
        D("1081.82"),
        D("1133.33"),
    )
    assert account_balance(key="fx_unrealised", as_of=on) == D("-51.51")
    assert account_balance(key="receivables_revaluation", as_of=on) == D("51.51")
    assert account_balance(key="fx_unrealised", as_of=on + timedelta(days=1)) == D("0")
    assert account_balance(key="receivables_revaluation") == D("0")
    assert trial_balance(as_of=on).balanced
    again = revaluation_run(on=on)
    assert not again.created and again.entry_number == result.entry_number
    assert again.reversal_number == result.reversal_number
    assert JournalEntry.objects.filter(source="fx_revaluation").count() == 2  # the entry and its reversal
    assert_books_in_step()
    # a later payment realises its difference from the invoice's own rate, not the revaluation's
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="1190.00",
        received_on=timezone.localdate(),
        allocations=[AllocationInput(invoice.pk, D("1190.00"))],
    )
    assert account_balance(key="fx_gains") == D("-51.51")
    assert_books_in_step()


def test_a_loss_and_the_command():
    """At 1.20: 1,190.00 / 1.20 = 991.67; loss 1,081.82 − 991.67 = 90.15."""
    usd_invoice()
    on = timezone.localdate() - timedelta(days=2)
    exchange_rate_set(currency="USD", rate="1.20", valid_on=on)
    out = StringIO()
    call_command("revalue_open_items", "--date", on.isoformat(), stdout=out)
    assert "difference -90.15" in out.getvalue() and "posted:" in out.getvalue()
    assert account_balance(key="fx_unrealised", as_of=on) == D("90.15")
    call_command("revalue_open_items", "--date", on.isoformat(), stdout=out)
    assert "already posted" in out.getvalue()
    assert_books_in_step()


def test_the_api_and_the_page(api_client_for, client, make_user):
    usd_invoice()
    on = timezone.localdate() - timedelta(days=8)  # the rate of 1.10 holds: nothing to post
    api = api_client_for(FINANCE)
    answer = api.post("/api/v1/revaluations/", {"date": on.isoformat()}, format="json")
    assert answer.status_code == 200 and answer.json()["entry"] is None
    assert answer.json()["currencies"][0]["difference"] == "0.00"
    bad = api.post("/api/v1/revaluations/", {"date": "2026-13-01"}, format="json")
    assert bad.status_code == 400 and "date" in bad.json()
    exchange_rate_set(currency="USD", rate="1.05", valid_on=on)
    answer = api.post("/api/v1/revaluations/", {"date": on.isoformat()}, format="json")
    assert answer.status_code == 201 and answer.json()["difference"] == "51.51"
    client.force_login(make_user(FINANCE, "finance-page"))
    url = reverse("receivables:revaluation")
    page = client.get(url, {"date": on.isoformat()})
    assert page.status_code == 200 and "1133.33" in page.content.decode()
    posted = client.post(url, {"date": on.isoformat()}, follow=True)
    assert "Already posted" in posted.content.decode()
    assert_books_in_step()


def test_a_date_the_books_refuse_is_a_400_naming_the_date(api_client_for):
    usd_invoice()
    far = timezone.localdate() + timedelta(days=400)
    answer = api_client_for(FINANCE).post("/api/v1/revaluations/", {"date": far.isoformat()}, format="json")
    assert answer.status_code == 400 and "date" in answer.json()
    assert not JournalEntry.objects.filter(source="fx_revaluation").exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"date": ""},
        {"date": "9999-12-31"},
        {"date": "0001-01-01"},
        {"date": "2026-11-30\x00"},
        {"date": "２０２６-11-30"},
        {"date": 20261130},
        {"date": ["2026-11-30"]},
    ],
)
def test_odd_input_is_a_400_naming_the_date_and_writes_nothing(api_client_for, body):
    answer = api_client_for(FINANCE).post("/api/v1/revaluations/", body, format="json")
    assert answer.status_code == 400, answer.content
    assert "date" in answer.json() or answer.json()["code"] == "parse_error"  # NUL: refused by the parser
    assert not JournalEntry.objects.filter(source="fx_revaluation").exists()


def test_the_page_refuses_odd_dates_with_a_400(client, make_user):
    client.force_login(make_user(FINANCE))
    url = reverse("receivables:revaluation")
    for value in ("", "9999-12-31", "2026-02-30", "x\x00"):
        assert client.post(url, {"date": value}).status_code == 400
    assert not JournalEntry.objects.filter(source="fx_revaluation").exists()
