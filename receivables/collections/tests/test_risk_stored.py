"""The stored risk score (decision 0067): stored for every customer nightly and for a customer after
its payments, read (never computed) by the credit check's risk rule, the hold queue, the worklist
and the customer page; the threshold is a manager's setting."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credit.models import CreditDecision, CreditSettings
from credit.services import credit_settings_update
from o2c import pipeline
from o2c.errors import DomainError
from receivables.cash.services import AllocationInput
from receivables.collections import services, tasks
from receivables.collections.models import RiskScore
from receivables.collections.risk import customer_risk
from receivables.collections.tests.clock import on_day
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


def _late_payer():
    """Two invoices due 30 days after issue, both paid 20 days late: average 20 days (20 points),
    all late (20 points); no trend (both in the same quarter), a customer of 4 months (5 points):
    45 points."""
    with on_day(-120):
        customer = a_customer(payment_terms_days=30, credit_limit=None)
    for issued in (-110, -100):
        with on_day(issued):
            invoice = an_invoice(customer, "100.00")
        with on_day(issued + 50):
            pipeline.payment_record(
                customer_id=customer.pk, amount="100.00", received_on=timezone.localdate(),
                allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("100.00"))],
            )  # fmt: skip
    return customer


def _scored(customer, score, summary="Broken promises 15.0/15, Disputes 10.0/10"):
    return RiskScore.objects.update_or_create(
        customer=customer,
        defaults={"score": score, "factors": [], "summary": summary, "as_of": timezone.localdate()},
    )[0]


@pytest.fixture
def widget():
    product = a_product(price="10.00", tax_rate="0.00")
    stock(product, "100")
    return product


def test_the_nightly_task_stores_every_score_with_its_factors_and_repeats_harmlessly():
    late, quiet = _late_payer(), a_customer(credit_limit="1000.00")
    assert tasks.risk_scores_refresh() == RiskScore.objects.count()
    stored = RiskScore.objects.get(customer=late)
    assert stored.score == customer_risk(customer_id=late.pk, as_of=timezone.localdate()).score == 45
    assert (
        stored.summary
        == "Average days paid late 20.0/30, Invoices paid late 20.0/20, Age of the relationship 5/5"
    )
    assert {f["key"]: f["points"] for f in stored.factors}["days_late"] == "20.0"
    assert RiskScore.objects.get(customer=quiet).summary == "Age of the relationship 5/5"
    tasks.risk_scores_refresh()
    assert (
        RiskScore.objects.get(customer=late).score == 45
        and RiskScore.objects.filter(customer=late).count() == 1
    )


def test_scoring_takes_a_fixed_number_of_queries_whatever_the_number_of_customers():
    _late_payer()
    first = a_customer().pk
    with CaptureQueriesContext(connection) as one:
        services.risk_scores_refresh(customer_ids=[first])
    many = [a_customer().pk for _ in range(8)]
    with CaptureQueriesContext(connection) as eight:
        services.risk_scores_refresh(customer_ids=many)
    assert len(one) == len(eight) <= 8


def test_a_payment_stores_its_customers_score_again_after_commit(django_capture_on_commit_callbacks):
    """An invoice due on issue 10 days ago, paid today in two payments: 10 days late (10 points),
    all late (20), a customer of under 6 months (5): 35, stored once both payments commit."""
    customer = a_customer(payment_terms_days=0, credit_limit=None)
    with on_day(-10):
        an_invoice(customer, "50.00")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pipeline.payment_record(customer_id=customer.pk, amount="20.00", received_on=timezone.localdate())
        pipeline.payment_record(customer_id=customer.pk, amount="30.00", received_on=timezone.localdate())
    assert not RiskScore.objects.filter(customer=customer).exists()  # not in the payment's transaction
    refreshes = [c for c in callbacks if type(c).__name__ == "_RiskRefresh"]
    assert [c.customer_id for c in refreshes] == [customer.pk]  # once per customer and transaction
    refreshes[0]()  # the worker's task (eager in the tests)
    assert RiskScore.objects.get(customer=customer).score == 35
    assert customer_risk(customer_id=customer.pk, as_of=timezone.localdate()).score == 35


def test_the_credit_check_holds_above_the_threshold_naming_the_score_and_its_factors(widget):
    risky = a_customer(credit_limit="10000.00")
    _scored(risky, 71)
    assert an_order(risky, line(widget, "1"), submit=True).status == "open"  # no threshold: off
    credit_settings_update(risk_threshold=70, by=None)
    held = an_order(risky, line(widget, "1"), submit=True)
    assert held.status == "on_hold"
    decision = CreditDecision.objects.get(order=held)
    assert decision.rule == "risk"
    assert decision.reason == "risk score 71 above 70: Broken promises 15.0/15, Disputes 10.0/10"
    assert held.events.get(to_status="on_hold").detail == decision.reason


def test_at_the_threshold_unscored_or_off_the_order_passes(widget):
    credit_settings_update(risk_threshold=70, by=None)
    at_it, unscored = a_customer(credit_limit="10000.00"), a_customer(credit_limit="10000.00")
    _scored(at_it, 70)
    assert an_order(at_it, line(widget, "1"), submit=True).status == "open"
    assert an_order(unscored, line(widget, "1"), submit=True).status == "open"
    credit_settings_update(risk_threshold=None, by=None)
    _scored(at_it, 100)
    assert an_order(at_it, line(widget, "1"), submit=True).status == "open"


def test_the_other_rules_come_first(widget):
    credit_settings_update(risk_threshold=10, by=None)
    over = a_customer(credit_limit="5.00")
    _scored(over, 90)
    held = an_order(over, line(widget, "1"), submit=True)
    assert CreditDecision.objects.get(order=held).rule == "limit"


def test_the_threshold_is_a_score_from_0_to_100():
    for bad in (-1, 101):
        with pytest.raises(DomainError) as refused:
            credit_settings_update(risk_threshold=bad, by=None)
        assert refused.value.field == "risk_threshold"
    assert not CreditSettings.objects.exists()


def test_managers_set_the_threshold_on_its_page_and_finance_may_not(client, make_user):
    client.force_login(make_user("finance"))
    assert client.get("/credit/settings/").status_code == 403
    client.force_login(make_user("manager"))
    page = client.get("/credit/settings/")
    assert page.status_code == 200 and "the risk rule is off" in page.content.decode()
    for bad in ("101", "-3", "abc", "7\x00", "٣"):
        refused = client.post("/credit/settings/", {"risk_threshold": bad})
        assert refused.status_code == 400, bad
    assert not CreditSettings.objects.exists()
    saved = client.post("/credit/settings/", {"risk_threshold": "60"}, follow=True)
    assert "orders of customers scored above 60 are held" in saved.content.decode()
    assert CreditSettings.objects.get().risk_threshold == 60
    assert client.post("/credit/settings/", {"risk_threshold": ""}).status_code == 302
    assert CreditSettings.objects.get().risk_threshold is None


def test_the_hold_queue_shows_the_score_with_its_factors_and_exports_them(client, make_user, widget):
    credit_settings_update(risk_threshold=50, by=None)
    risky = a_customer(code="RISKY", credit_limit="10000.00")
    _scored(risky, 80)
    an_order(risky, line(widget, "1"), submit=True)
    client.force_login(make_user("finance"))
    html = client.get("/credit/holds/").content.decode()
    assert '<span title="Broken promises 15.0/15, Disputes 10.0/10">80</span>' in html
    assert "orders of customers scored above 50 are held" in html
    assert "risk score 80 above 50" in html
    assert client.get("/credit/holds/", {"sort": "risk"}).status_code == 200
    export = b"".join(client.get("/credit/holds/", {"export": "csv"}).streaming_content).decode()
    header, row = export.splitlines()[:2]
    assert "risk_score,risk_factors" in header and ',80,"Broken promises 15.0/15, Disputes 10.0/10",' in row


def test_the_worklist_shows_the_stored_score(client, make_user, api_client_for):
    """The page and the API carry the stored score and its top factors."""
    late = a_customer(code="LATE", payment_terms_days=0)
    with on_day(-20):
        an_invoice(late, "400.00")
    _scored(late, 33, "Disputes 10.0/10")
    client.force_login(make_user("finance"))
    html = client.get("/cash/worklist/").content.decode()
    assert '<span title="Disputes 10.0/10">33</span>' in html
    rows = api_client_for("finance", "collector-api").get("/api/v1/collections/worklist/").json()["results"]
    assert (rows[0]["risk_score"], rows[0]["risk_summary"]) == (33, "Disputes 10.0/10")


def test_the_customer_page_shows_the_score_and_each_factor(client, make_user):
    customer = _late_payer()
    client.force_login(make_user("finance"))
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "not scored yet" in html
    services.risk_scores_refresh(customer_ids=[customer.pk])
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="risk-score">45</span>' in html
    assert (
        'Average days paid late</th><td>20.0 days over 2 invoices</td><td class="num">20.0 / 30</td>' in html
    )


def test_the_threshold_through_the_api(api_client_for):
    manager, finance = api_client_for("manager", "boss"), api_client_for("finance", "clerk")
    assert finance.get("/api/v1/credit/settings/").json()["risk_threshold"] is None
    assert finance.put("/api/v1/credit/settings/", {"risk_threshold": 50}, format="json").status_code == 403
    for bad in (101, -1, "abc", "٣", 1.5, True, [], {}, 10**30):
        answer = manager.put("/api/v1/credit/settings/", {"risk_threshold": bad}, format="json")
        assert answer.status_code == 400 and "risk_threshold" in answer.json(), bad
    assert (
        manager.put("/api/v1/credit/settings/", {"risk_threshold": "5\x00"}, format="json").status_code == 400
    )
    assert manager.put("/api/v1/credit/settings/", {}, format="json").status_code == 400
    saved = manager.put("/api/v1/credit/settings/", {"risk_threshold": 55}, format="json").json()
    assert (saved["risk_threshold"], saved["updated_by"]) == (55, "boss")
    assert finance.get("/api/v1/credit/settings/").json()["risk_threshold"] == 55
    off = manager.put("/api/v1/credit/settings/", {"risk_threshold": None}, format="json").json()
    assert off["risk_threshold"] is None
