"""The promise-kept rate per customer and per collector (decision 0067): counted by hand on a few
promises, one SQL statement, the page with its method, CSV and the API."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.collections import services
from receivables.collections.tests.clock import on_day
from reporting.operations.period import Period
from reporting.operations.promises import promise_report
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def _promise(customer, amount, *, by, invoice, days=2):
    return services.promise_make(
        customer_id=customer.pk, amount=amount, promised_on=timezone.localdate() + timedelta(days=days),
        invoice_ids=[invoice.pk], by=by,
    )  # fmt: skip


def _pay(invoice, amount):
    pipeline.payment_record(
        customer_id=invoice.customer_id, amount=amount, received_on=timezone.localdate(),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D(amount))],
    )  # fmt: skip


@pytest.fixture
def book(make_user):
    """ACME (collector ANNA) made 3 promises: kept 100, broken 50 and 30; BETA (BOB) kept 200; GAMMA
    (no collector) broke 70; one more of ACME is still open, one cancelled: neither counts. ACME:
    1 kept of 3 = 33.3 %, amount 100 of 180 = 55.6 %; BETA 1 of 1 = 100.0 %; GAMMA 0 of 1 = 0.0 %.
    ANNA 1 of 3, BOB 1 of 1, nobody 0 of 1. Total 2 of 5 = 40.0 %, amount 300 of 450 = 66.7 %."""
    anna, bob = make_user("finance", "anna"), make_user("finance", "bob")
    acme, beta, gamma = a_customer(code="ACME"), a_customer(code="BETA"), a_customer(code="GAMMA")
    services.collector_assign(customer_id=acme.pk, collector_id=anna.pk)
    services.collector_assign(customer_id=beta.pk, collector_id=bob.pk)
    with on_day(-20):
        acme_paid, acme_owed = an_invoice(acme, "100.00"), an_invoice(acme, "1000.00")
        beta_paid, gamma_owed = an_invoice(beta, "200.00"), an_invoice(gamma, "1000.00")
        _promise(acme, "100.00", by=anna, invoice=acme_paid)
        _promise(acme, "50.00", by=anna, invoice=acme_owed)
        _promise(acme, "30.00", by=anna, invoice=acme_owed)
        _promise(beta, "200.00", by=bob, invoice=beta_paid)
        _promise(gamma, "70.00", by=anna, invoice=gamma_owed)  # taken by ANNA, GAMMA has no collector
        cancelled = _promise(acme, "10.00", by=anna, invoice=acme_owed)
        services.promise_cancel(promise_id=cancelled.pk, reason="wrong amount", by=anna)
    with on_day(-19):
        _pay(acme_paid, "100.00")
        _pay(beta_paid, "200.00")
    with on_day(-10):
        services.promises_check()
        _promise(acme, "20.00", by=anna, invoice=acme_owed, days=60)  # still open
    return {"acme": acme, "beta": beta, "anna": anna, "bob": bob}


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=30), today)


def test_the_rates_counted_by_hand_in_one_statement(book):
    with CaptureQueriesContext(connection) as queries:
        report = promise_report(period=_period())
    assert len(queries) == 1
    total = report.total
    assert (total.kept, total.broken, total.kept_rate, total.amount_kept_rate) == (2, 3, D("40.0"), D("66.7"))
    assert (total.amount_promised, total.amount_kept) == (D("450.00"), D("300.00"))
    by_customer = {
        row.code: (row.kept, row.broken, row.kept_rate, row.amount_kept_rate) for row in report.customers
    }
    assert by_customer == {
        "ACME": (1, 2, D("33.3"), D("55.6")), "BETA": (1, 0, D("100.0"), D("100.0")), "GAMMA": (0, 1, D("0.0"), D("0.0")),
    }  # fmt: skip
    assert [row.code for row in report.customers] == ["ACME", "BETA", "GAMMA"]  # most settled first
    by_collector = {row.name: (row.kept, row.broken, row.kept_rate) for row in report.collectors}
    assert by_collector == {"anna": (1, 2, D("33.3")), "bob": (1, 0, D("100.0")), "nobody": (0, 1, D("0.0"))}
    assert [row.name for row in report.collectors] == ["anna", "bob", "nobody"]


def test_a_period_before_the_promises_were_settled_counts_none(book):
    today = timezone.localdate()
    report = promise_report(period=Period(today - timedelta(days=400), today - timedelta(days=40)))
    assert (report.total.settled, report.total.kept_rate, report.customers) == (0, None, [])


def test_the_page_says_its_method_and_exports_both_tables(book, client, make_user):
    client.force_login(make_user("finance"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/reports/promises/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="method"' in html and "Kept rate = kept ÷ (kept + broken)" in html
    assert "40.0 %" in html and "66.7 %" in html and "nobody" in html
    assert sum("receivables_promise" in q["sql"] for q in queries.captured_queries) == 1
    for table, first in (("customers", "customer_code"), ("collectors", "collector")):
        answer = client.get("/reports/promises/", {"format": "csv", "table": table})
        rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
        assert rows[0][0] == first
    customers = list(csv.reader(io.StringIO(b"".join(
        client.get("/reports/promises/", {"format": "csv"}).streaming_content).decode())))  # fmt: skip
    assert customers[1][:6] == ["ACME", customers[1][1], "1", "2", "3", "33.3"]
    assert client.get("/reports/promises/", {"start": "2026-13-01"}).status_code == 400
    assert client.get("/reports/promises/", {"start": "0001-01-01"}).status_code == 400


def test_the_api(book, api_client_for):
    api = api_client_for("finance", "api-reader")
    body = api.get("/api/v1/reports/promises/").json()
    assert body["total"]["kept_rate"] == "40.0" and body["method"].startswith("A promise counts")
    assert body["customers"][0]["customer_code"] == "ACME" and body["customers"][0]["kept_rate"] == "33.3"
    assert {row["collector_username"]: row["kept_rate"] for row in body["collectors"]} == {
        "anna": "33.3", "bob": "100.0", "nobody": "0.0",
    }  # fmt: skip
    collectors = api.get("/api/v1/reports/promises/", {"format": "csv", "table": "collectors"})
    assert collectors.status_code == 200 and collectors.content.decode().startswith("collector,kept,broken")
    assert api.get("/api/v1/reports/promises/", {"end": "9999-12-31"}).status_code == 400
    assert api.get("/api/v1/reports/promises/", {"table": "x\x00"}).status_code == 400
    assert api_client_for("sales", "a-seller").get("/api/v1/reports/promises/").status_code == 403
