"""The worklist on a constructed book: who comes first and why, said in words; a customer drops
off for the day once an activity is logged; `owner` keeps one collector's customers; the list
costs the same number of queries for 3 customers as for 12."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from receivables.collections import services
from receivables.collections.tests.clock import on_day
from receivables.collections.worklist import worklist
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def ago(days):
    return on_day(-days)


def today():
    return timezone.localdate()


@pytest.fixture
def book():
    """small: 100 overdue 60 days; big: 1,000 overdue 10 days; promised: 500 overdue under a
    promise; broke: a broken promise; call: a follow-up due today; paid_up: nothing overdue."""
    now = today()
    c = {
        name: a_customer(code=name.upper(), payment_terms_days=0)
        for name in ("small", "big", "promised", "broke", "call", "paid_up")
    }
    with ago(60):
        an_invoice(c["small"], "100.00")
    with ago(10):
        an_invoice(c["big"], "1000.00")
        promised = an_invoice(c["promised"], "500.00")
        broke = an_invoice(c["broke"], "50.00")
        an_invoice(c["call"], "20.00")
    an_invoice(c["paid_up"], "70.00")  # due today: not overdue
    services.promise_make(
        customer_id=c["promised"].pk,
        invoice_ids=[promised.pk],
        amount="500.00",
        promised_on=now + timedelta(days=5),
    )
    with ago(5):
        services.promise_make(
            customer_id=c["broke"].pk,
            invoice_ids=[broke.pk],
            amount="50.00",
            promised_on=now - timedelta(days=3),
        )
    with ago(2):
        services.promises_check()
    with ago(1):
        services.activity_log(
            customer_id=c["call"].pk, kind="call", note="call back tomorrow", follow_up_on=now
        )
    return c


def test_the_order_and_the_reasons(book):
    rows = worklist(as_of=today())
    assert [row.customer_code for row in rows] == ["CALL", "BROKE", "BIG", "SMALL"]
    by_code = {row.customer_code: row for row in rows}
    # Both have a reminder level due tomorrow (× 1.2) and no stored risk (× 1):
    # big: 1,000 × (1 + 10/30) × 1.2 = 1,600.00; small: 100 × (1 + 60/30) × 1.2 = 360.00
    assert (by_code["BIG"].weight, by_code["SMALL"].weight) == (D("1600.00"), D("360.00"))
    assert by_code["SMALL"].reasons[0] == "100.00 EUR overdue in 1 invoice(s), oldest 60 days"
    assert by_code["SMALL"].reasons[1].startswith("reminder '")  # the dunning run's preview of tomorrow
    assert (
        by_code["CALL"]
        .reasons[0]
        .startswith(f"follow-up due {today().isoformat()} (call: call back tomorrow)")
    )
    assert by_code["BROKE"].reasons[0].startswith("promise of 50.00 EUR by ")
    assert "broken (0.00 paid)" in by_code["BROKE"].reasons[0]
    assert "PROMISED" not in by_code and "PAID_UP" not in by_code


def test_a_customer_drops_off_for_the_day_once_contacted(book):
    services.activity_log(customer_id=book["big"].pk, kind="email", note="sent the statement")
    services.activity_log(customer_id=book["broke"].pk, kind="call", note="will pay Monday")
    assert [row.customer_code for row in worklist(as_of=today())] == ["CALL", "SMALL"]
    # The next day big is back; broke's promise was followed up, so it is an overdue row now, and
    # its first reminder falls due the day after, so it goes before paid_up whose invoice fell due:
    # 50 × (1 + 11/30) × 1.2 = 82.00 > 70 × (1 + 1/30) = 72.33.
    tomorrow = worklist(as_of=today() + timedelta(days=1))
    assert [row.customer_code for row in tomorrow] == ["CALL", "BIG", "SMALL", "BROKE", "PAID_UP"]
    assert [row.weight for row in tomorrow[3:]] == [D("82.00"), D("72.33")]
    assert tomorrow[3].reasons[-1].startswith("reminder '") and "(× 1.2)" in tomorrow[3].reasons[-1]


def test_a_risky_customer_goes_before_a_safe_one_with_the_same_overdue(book):
    from receivables.collections.models import RiskScore

    RiskScore.objects.create(
        customer=book["small"], score=50, factors=[], summary="Broken promises 15.0/15", as_of=today()
    )
    by_code = {row.customer_code: row for row in worklist(as_of=today())}
    # small: 100 × (1 + 60/30) × (1 + 50/100) × 1.2 = 540.00, and the risk is said as a reason
    assert by_code["SMALL"].weight == D("540.00") and by_code["SMALL"].risk_score == 50
    assert by_code["SMALL"].reasons[-1] == "risk 50 (× 1.5): Broken promises 15.0/15"


def test_the_owner_keeps_a_collectors_customers(book, make_user):
    anna = make_user("finance", "anna")
    services.collector_assign(customer_id=book["small"].pk, collector_id=anna.pk)
    rows = worklist(as_of=today(), owner_id=anna.pk)
    assert [(row.customer_code, row.collector) for row in rows] == [("SMALL", "anna")]
    sales = make_user("sales", "sam")
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.collector_assign(customer_id=book["big"].pk, collector_id=sales.pk)
    assert refused.value.field == "collector"


def test_the_api_says_the_method_and_the_rows(book, api_client_for):
    answer = api_client_for("finance").get("/api/v1/collections/worklist/")
    assert answer.status_code == 200
    data = answer.json()
    assert "1. customers with a follow-up due" in data["method"]
    assert [row["customer_code"] for row in data["results"]] == ["CALL", "BROKE", "BIG", "SMALL"]
    assert api_client_for("finance", "f2").get("/api/v1/collections/worklist/?owner=x").status_code == 400
    assert api_client_for("sales").get("/api/v1/collections/worklist/").status_code == 403


def test_the_list_costs_a_fixed_number_of_queries(book):
    with CaptureQueriesContext(connection) as few:
        worklist(as_of=today())
    for number in range(8):
        with ago(40):
            an_invoice(a_customer(code=f"MORE{number}", payment_terms_days=0), "10.00")
    with CaptureQueriesContext(connection) as many:
        assert len(worklist(as_of=today())) == 12
    assert len(many) == len(few)
