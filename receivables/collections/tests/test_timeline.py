"""The customer's timeline (decision 0067): activities and promises merged with the events of its
orders, invoices, credit notes, payments, disputes and reminders, latest first, paginated, in a
fixed number of queries however long the history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from o2c import pipeline
from receivables.collections import services
from receivables.collections.tests.clock import on_day
from receivables.collections.timeline import customer_timeline, timeline_page
from receivables.dunning.services import dunning_run
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_user):
    clerk = make_user("finance", "clerk")
    product = a_product(price="10.00", tax_rate="0.00")
    stock(product, "10")
    customer = a_customer(code="HIST", payment_terms_days=0, credit_limit=None)
    with on_day(-30):
        order = an_order(customer, line(product, "1"), submit=True)
    with on_day(-20):
        invoice = an_invoice(customer, "300.00")
    with on_day(-15):
        pipeline.credit_note_issue(
            invoice_id=invoice.pk, reason="damaged box", amount=Decimal("10.00"), by=clerk
        )
    with on_day(-12):
        pipeline.dispute_open(invoice_id=invoice.pk, amount="20.00", reason="pricing", by=clerk)
    with on_day(-5):
        dunning_run(as_of=timezone.localdate())
    with on_day(-3):
        services.activity_log(customer_id=customer.pk, kind="call", note="Spoke to AP", by=clerk)
        services.promise_make(
            customer_id=customer.pk,
            amount="100.00",
            promised_on=timezone.localdate() + timedelta(days=5),
            by=clerk,
        )
    with on_day(-1):
        pipeline.payment_record(
            customer_id=customer.pk, amount="50.00", received_on=timezone.localdate(), by=clerk
        )
    other = a_customer(code="OTHER")
    services.activity_log(customer_id=other.pk, kind="note", note="not this one", by=clerk)
    return customer, order, invoice


def test_every_source_in_one_list_latest_first(history):
    customer, order, invoice = history
    rows = list(customer_timeline(customer_id=customer.pk))
    sources = [row["t_source"] for row in rows]
    assert set(sources) == {
        "order",
        "invoice",
        "credit_note",
        "dispute",
        "dunning",
        "activity",
        "promise",
        "payment",
    }
    assert set(sources[:2]) == {"payment", "invoice"}  # latest first: the payment and what it settled
    assert sources[-1] == "order"
    at = [row["t_at"] for row in rows]
    assert at == sorted(at, reverse=True)
    assert "not this one" not in [row["t_detail"] for row in rows]
    call = next(row for row in rows if row["t_source"] == "activity")
    assert (call["t_event"], call["t_detail"], call["t_actor"]) == ("call", "Spoke to AP", "clerk")
    credit = next(row for row in rows if row["t_source"] == "credit_note")
    assert (credit["t_event"], credit["t_amount"], credit["t_detail"]) == (
        "issued",
        Decimal("10.00"),
        "damaged box",
    )
    assert rows[-1]["t_number"] == order.number and rows[-1]["t_event"] == "created"
    received = next(row for row in rows if row["t_source"] == "payment")
    assert (received["t_event"], received["t_amount"], received["t_actor"]) == (
        "received",
        Decimal("50.00"),
        "clerk",
    )
    opened = next(row for row in rows if row["t_source"] == "dispute")
    assert (opened["t_event"], opened["t_number"], opened["t_detail"]) == (
        "opened",
        invoice.number,
        "pricing",
    )


def test_pages_take_two_queries_however_long_the_history(history):
    customer, _, _ = history
    total = customer_timeline(customer_id=customer.pk).count()
    with CaptureQueriesContext(connection) as first:
        page = timeline_page(customer_id=customer.pk, page=1, per_page=5)
    assert len(page.object_list) == 5 and page.paginator.count == total
    with CaptureQueriesContext(connection) as last:
        page = timeline_page(customer_id=customer.pk, page=page.paginator.num_pages, per_page=5)
    assert len(first) == len(last) == 2
    assert page.object_list[-1]["t_source"] == "order"
    assert page.object_list[-1]["url"] == f"/orders/{history[1].pk}/"
    assert timeline_page(customer_id=customer.pk, page="x\x00", per_page=5).number == 1  # odd input: page 1


def test_the_customer_page_shows_the_timeline_paginated(history, client, make_user):
    customer, _, invoice = history
    client.force_login(make_user("finance"))
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="timeline"' in html and "Spoke to AP" in html
    assert f'href="/invoices/{invoice.pk}/">{invoice.number}</a>' in html
    for _ in range(25):
        services.activity_log(customer_id=customer.pk, kind="note", note="filler", by=None)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/customers/{customer.pk}/")
    for _ in range(25):
        services.activity_log(customer_id=customer.pk, kind="note", note="filler", by=None)
    with CaptureQueriesContext(connection) as more:
        second = client.get(f"/customers/{customer.pk}/", {"timeline": "2"})
    assert len(one) == len(more)
    html = second.content.decode()
    assert 'data-testid="timeline-page">page 2 of' in html and "Spoke to AP" not in html
    warehouse = client.get("/customers/")  # warehouse staff see the master data only
    assert warehouse.status_code == 200
    client.force_login(make_user("warehouse"))
    assert 'data-testid="timeline"' not in client.get(f"/customers/{customer.pk}/").content.decode()
