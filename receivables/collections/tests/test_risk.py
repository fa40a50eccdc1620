"""The risk score on hand-made payment histories: each factor's figure and points worked by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.collections import services
from receivables.collections.risk import customer_risk
from receivables.collections.tests.clock import on_day
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def at(days_ago):
    return on_day(-days_ago)


def pay_invoice(invoice, amount):
    pipeline.payment_record(
        customer_id=invoice.customer_id,
        amount=amount,
        reference="",
        received_on=timezone.localdate(),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D(amount))],
    )


def factors(risk):
    return {factor.key: (factor.value, factor.points) for factor in risk.factors}


def test_a_customer_that_pays_on_time_scores_low():
    with at(400):
        customer = a_customer(payment_terms_days=30, credit_limit="10000.00")
    for days_ago in (300, 200, 100):
        with at(days_ago):
            invoice = an_invoice(customer, "100.00")
        with at(days_ago - 20):  # 10 days before the due date
            pay_invoice(invoice, "100.00")
    risk = customer_risk(customer_id=customer.pk, as_of=timezone.localdate())
    assert risk.score == 0
    assert factors(risk)["days_late"] == ("0.0 days over 3 invoices", D("0.0"))
    assert factors(risk)["relationship"][1] == D("0")


def test_a_late_payer_with_a_broken_promise_and_a_dispute():
    """Three invoices due 30 days after issue: paid 10, 20 and 40 days late (average 23.3 → 23.3
    points; 3 of 3 late → 20; trend: the one paid within the last 3 months (40 days late) against
    the two paid in the 3 months before (10 and 20: 15) is +25 days → 8.3; a broken promise → 5; a
    dispute → 5; open 900 of a 1,000 limit (90 %) → (0.9 − 0.5) × 20 = 8; a customer of 7 months
    → 2. Sum 71.6, shown as 72."""
    with at(210):
        customer = a_customer(payment_terms_days=30, credit_limit="1000.00")
    for issued_ago, paid_late in ((200, 10), (150, 20), (80, 40)):
        with at(issued_ago):
            invoice = an_invoice(customer, "100.00")
        with at(issued_ago - 30 - paid_late):
            pay_invoice(invoice, "100.00")
    with at(20):
        open_invoice = an_invoice(customer, "900.00")
        services.promise_make(
            customer_id=customer.pk, invoice_ids=[open_invoice.pk], amount="100.00",
            promised_on=timezone.localdate() + timedelta(days=2),
        )  # fmt: skip
    with at(10):
        services.promises_check()
    pipeline.dispute_open(invoice_id=open_invoice.pk, amount="10.00", reason="pricing", by=None)
    risk = customer_risk(customer_id=customer.pk, as_of=timezone.localdate())
    got = factors(risk)
    assert got["days_late"] == ("23.3 days over 3 invoices", D("23.3"))
    assert got["share_late"] == ("100 %", D("20.0"))
    assert got["trend"] == ("+25.0 days (last 3 months against the 3 before)", D("8.3"))
    assert got["broken_promises"] == ("1 in 12 months", D("5.0"))
    assert got["disputes"] == ("1 opened in 12 months", D("5.0"))
    assert got["credit_usage"] == ("900.00 open, 90 % of 1000.00", D("8.0"))
    assert got["relationship"] == ("7 months", D("2"))
    assert risk.score == 72


def test_the_api_shows_the_score_and_its_factors(api_client_for):
    customer = a_customer()
    finance = api_client_for("finance")
    answer = finance.get(f"/api/v1/customers/{customer.pk}/risk/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["score"] == 5  # a new customer: 5 points for the relationship, nothing else
    assert [factor["key"] for factor in data["factors"]] == [
        "days_late", "share_late", "trend", "broken_promises", "disputes", "credit_usage", "relationship",
    ]  # fmt: skip
    assert finance.get("/api/v1/customers/999999/risk/").status_code == 404
    assert api_client_for("warehouse").get(f"/api/v1/customers/{customer.pk}/risk/").status_code == 403


def test_the_risk_of_many_customers_costs_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from receivables.collections.risk import customers_risk

    def customers(n):
        made = [a_customer() for _ in range(n)]
        for customer in made:
            pay_invoice(an_invoice(customer, "10.00"), "10.00")
        return [customer.pk for customer in made]

    few, many = customers(2), customers(6)
    with CaptureQueriesContext(connection) as for_few:
        customers_risk(customer_ids=few, as_of=timezone.localdate())
    with CaptureQueriesContext(connection) as for_many:
        assert len(customers_risk(customer_ids=few + many, as_of=timezone.localdate())) == 8
    assert len(for_many) == len(for_few)
