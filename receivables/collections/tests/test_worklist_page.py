"""The worklist page: the ranked rows with their reasons and risk; logging a call takes the customer
off today's list; a promise from the row; bad input answers on the row's form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from receivables.collections.models import Activity, Promise
from receivables.collections.tests.clock import on_day
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, make_user):
    client.force_login(make_user("finance"))
    return client


@pytest.fixture
def late():
    customer = a_customer(code="LATE", payment_terms_days=0)
    with on_day(-20):
        an_invoice(customer, "400.00")
    return customer


def test_the_rows_say_why_and_a_logged_call_takes_the_customer_off(clerk, late):
    page = clerk.get("/cash/worklist/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="row-LATE"' in html and "400.00 EUR overdue in 1 invoice(s), oldest 20 days" in html
    follow_up = (timezone.localdate() + timedelta(days=3)).isoformat()
    logged = clerk.post(
        f"/cash/worklist/{late.pk}/activity/",
        {
            f"a{late.pk}-kind": "call",
            f"a{late.pk}-note": "Spoke to AP",
            f"a{late.pk}-follow_up_on": follow_up,
        },
    )
    assert logged.status_code == 302
    assert Activity.objects.get().follow_up_on.isoformat() == follow_up
    assert 'data-testid="row-LATE"' not in clerk.get("/cash/worklist/").content.decode()


def test_a_promise_from_the_row_and_a_bad_one(clerk, late):
    date = (timezone.localdate() + timedelta(days=5)).isoformat()
    refused = clerk.post(
        f"/cash/worklist/{late.pk}/promise/",
        {f"p{late.pk}-amount": "999.00", f"p{late.pk}-promised_on": date},
    )
    assert refused.status_code == 400
    assert "is more than the 400.00 EUR open" in refused.content.decode()
    assert not Promise.objects.exists()
    made = clerk.post(
        f"/cash/worklist/{late.pk}/promise/",
        {f"p{late.pk}-amount": "400.00", f"p{late.pk}-promised_on": date},
    )
    assert made.status_code == 302
    assert Promise.objects.get().amount == 400
    assert Activity.objects.get().note == f"Promised 400.00 by {date}"


def test_sales_do_not_see_the_worklist(client, make_user):
    client.force_login(make_user("sales"))
    assert client.get("/cash/worklist/").status_code == 403
