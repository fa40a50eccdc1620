"""Quotations (decision 0053), as a sales clerk meets them: entered with the customer's prices,
sent by e-mail with the PDF, accepted into an order that goes through the credit check, declined
with a reason, expired by the nightly task."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from o2c import pipeline
from o2c.errors import DomainError
from o2c.outbox import outbox_relay
from pricing.services import ItemInput, price_list_create
from quotations import services, tasks
from quotations.models import Quotation
from tests.builders import a_customer, a_product, a_warehouse, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a_warehouse()
    widget = a_product(price="10.00", tax_rate="19.00")
    stock(widget, "100")
    service = a_product(price="120.00", tax_rate="19.00", kind="service")
    dealers = price_list_create(
        name="Dealers", currency="EUR", items=[ItemInput(widget.pk, Decimal("20"), Decimal("9.25"))]
    )
    return {"widget": widget, "service": service, "dealers": dealers}


def test_quote_send_accept_becomes_an_open_order(world, django_capture_on_commit_callbacks):
    customer = a_customer(credit_limit="5000.00", price_list=world["dealers"].pk)
    quotation = services.quotation_create(
        customer_id=customer.pk,
        lines=[line(world["widget"], "20"), line(world["service"], "1.5", discount="10")],
        customer_reference="RFQ-77",
    )
    assert quotation.number.startswith("QT-") and quotation.status == "draft"
    assert quotation.valid_until == timezone.localdate() + timedelta(days=30)
    # 20 × 9.25 = 185.00 (list), tax 35.15; 1.5 × 120 less 10 % = 162.00 (product), tax 30.78
    assert [(row.unit_price, row.price_source) for row in quotation.lines.all()] == [
        (Decimal("9.25"), "price_list"),
        (Decimal("120.00"), "product"),
    ]
    assert (quotation.net_total, quotation.tax_total, quotation.total) == (
        Decimal("347.00"),
        Decimal("65.93"),
        Decimal("412.93"),
    )

    with django_capture_on_commit_callbacks(execute=False):
        services.quotation_send(quotation_id=quotation.pk, by=None)
    outbox_relay()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [customer.email] and quotation.number in email.subject
    (name, content, mimetype) = email.attachments[0]
    assert (name, mimetype) == (f"{quotation.number}.pdf", "application/pdf") and content.startswith(b"%PDF")

    order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    quotation.refresh_from_db()
    assert (quotation.status, quotation.order_id) == ("accepted", order.pk)
    assert order.status == "open" and order.customer_reference == "RFQ-77"
    assert order.total == Decimal("412.93")
    assert [(row.unit_price, row.price_source) for row in order.lines.order_by("position")] == [
        (Decimal("9.25"), "price_list"),
        (Decimal("120.00"), "product"),
    ]
    assert [e.event for e in quotation.events.order_by("pk")] == ["created", "sent", "accepted"]
    with pytest.raises(DomainError) as twice:
        pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    assert twice.value.code == "invalid_transition"


def test_accepted_under_credit_hold_the_order_waits_for_finance(world):
    customer = a_customer(credit_limit="100.00")
    quotation = services.quotation_create(customer_id=customer.pk, lines=[line(world["widget"], "20")])
    services.quotation_send(quotation_id=quotation.pk, by=None)
    order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    assert order.status == "on_hold"  # 20 × 10.00 + 19 % = 238.00 over a limit of 100.00
    quotation.refresh_from_db()
    assert quotation.status == "accepted" and quotation.order_id == order.pk
    assert order.lines.get().quantity_reserved == 0


def test_decline_needs_a_reason_and_ends_it(world):
    quotation = services.quotation_create(customer_id=a_customer().pk, lines=[line(world["widget"], "1")])
    with pytest.raises(DomainError) as no_reason:
        services.quotation_decline(quotation_id=quotation.pk, reason="  ", by=None)
    assert (no_reason.value.field, no_reason.value.code) == ("reason", "blank")
    services.quotation_decline(quotation_id=quotation.pk, reason="bought elsewhere", by=None)
    quotation.refresh_from_db()
    assert (quotation.status, quotation.decline_reason) == ("declined", "bought elsewhere")
    with pytest.raises(DomainError):
        services.quotation_send(quotation_id=quotation.pk, by=None)


def test_nightly_expiry_and_no_acceptance_after_the_date(world):
    customer = a_customer(credit_limit="1000.00")
    today = timezone.localdate()
    short = services.quotation_create(
        customer_id=customer.pk, lines=[line(world["widget"], "1")], valid_until=today
    )
    services.quotation_send(quotation_id=short.pk, by=None)
    long = services.quotation_create(
        customer_id=customer.pk, lines=[line(world["widget"], "1")], valid_until=today + timedelta(days=5)
    )
    assert services.quotations_expire(today=today) == 0  # valid through its last day
    assert services.quotations_expire(today=today + timedelta(days=1)) == 1
    assert tasks.quotations_expire() == 0  # the task, today: nothing more
    short.refresh_from_db()
    assert short.status == "expired" and short.events.last().event == "expired"
    assert Quotation.objects.get(pk=long.pk).status == "draft"


def test_a_quotation_past_its_date_cannot_be_sent_or_accepted(world):
    customer = a_customer(credit_limit="1000.00")
    quotation = services.quotation_create(customer_id=customer.pk, lines=[line(world["widget"], "1")])
    services.quotation_send(quotation_id=quotation.pk, by=None)
    yesterday = timezone.localdate() - timedelta(days=1)
    Quotation.objects.filter(pk=quotation.pk).update(quotation_date=yesterday, valid_until=yesterday)
    with pytest.raises(DomainError) as late:
        pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    assert late.value.code == "quotation_expired" and late.value.status_code == 409


def test_entry_refusals_name_the_field(world):
    customer = a_customer()
    with pytest.raises(DomainError) as past:
        services.quotation_create(
            customer_id=customer.pk,
            lines=[line(world["widget"], "1")],
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    assert (past.value.field, past.value.code) == ("valid_until", "valid_until_in_past")
    with pytest.raises(DomainError) as empty:
        services.quotation_create(customer_id=customer.pk, lines=[])
    assert empty.value.field == "lines"
    assert not Quotation.objects.exists()


def test_conversion_in_the_sales_report(world, api_client_for, make_user):
    """Of 3 decided quotations 1 was accepted: 33.3 %; by value 100.00 of 180.00: 55.6 %."""
    customer = a_customer(credit_limit="100000.00")
    widget, today = world["widget"], timezone.localdate()

    def quoted(quantity, **extra):
        quotation = services.quotation_create(
            customer_id=customer.pk, lines=[line(widget, quantity)], **extra
        )
        services.quotation_send(quotation_id=quotation.pk, by=None)
        return quotation

    pipeline.quotation_accept(quotation_id=quoted("10").pk, by=None)  # 100.00
    services.quotation_decline(quotation_id=quoted("5").pk, reason="price", by=None)  # 50.00
    quoted("3", valid_until=today)  # 30.00, expires tonight
    quoted("2")  # 20.00, still open
    never_sent = services.quotation_create(customer_id=customer.pk, lines=[line(widget, "7")])
    services.quotation_decline(quotation_id=never_sent.pk, reason="withdrawn", by=None)  # not quoted
    assert services.quotations_expire(today=today + timedelta(days=1)) == 1

    finance = api_client_for("finance")
    response = finance.get("/api/v1/reports/sales/", {"start": today, "end": today})
    assert response.status_code == 200, response.content
    assert response.json()["quotations"] == {
        "quoted_count": 4,
        "quoted_value": "200.00",
        "sent_count": 1,
        "sent_value": "20.00",
        "accepted_count": 1,
        "accepted_value": "100.00",
        "declined_count": 1,
        "declined_value": "50.00",
        "expired_count": 1,
        "expired_value": "30.00",
        "conversion_rate": "33.3",
        "value_conversion_rate": "55.6",
    }
    # The same figures as CSV (API and page, `table=quotations`) and as a table on the page.
    csv_text = finance.get(
        "/api/v1/reports/sales/", {"start": today, "end": today, "format": "csv", "table": "quotations"}
    ).content.decode()
    assert csv_text.splitlines() == [
        "outcome,count,net_value",
        "quoted,4,200.00",
        "sent,1,20.00",
        "accepted,1,100.00",
        "declined,1,50.00",
        "expired,1,30.00",
        "conversion_rate_percent,33.3,55.6",
    ]
    client = Client()
    client.force_login(make_user("finance", "page-user"))
    page = client.get(
        "/reports/sales/", {"start": today, "end": today, "table": "quotations", "export": "csv"}
    )
    assert b"".join(page.streaming_content).decode().splitlines() == csv_text.splitlines()
    html = client.get("/reports/sales/", {"start": today, "end": today}).content.decode()
    assert 'data-testid="quotation-rate">33.3 %' in html and 'data-testid="export-quotations"' in html


def test_domain_events_and_their_webhook_payload(world, monkeypatch):
    """`quotation.sent` and `quotation.accepted` are told once each, in the transaction of the
    change, then the order's own events; a webhook sees the quotation as the API shows it."""
    from o2c import events
    from webhooks.payloads import payload_data

    monkeypatch.setattr(events, "_listeners", {})
    heard: list[tuple[str, int]] = []
    events.event_listen("*", lambda event: heard.append((event.type, event.subject.pk)))
    quotation = services.quotation_create(
        customer_id=a_customer(credit_limit="1000.00").pk, lines=[line(world["widget"], "1")]
    )
    services.quotation_send(quotation_id=quotation.pk, by=None)
    order = pipeline.quotation_accept(quotation_id=quotation.pk, by=None)
    assert heard[1:] == [
        ("quotation.sent", quotation.pk),
        ("order.created", order.pk),
        ("quotation.accepted", quotation.pk),
        ("order.submitted", order.pk),
    ]
    data = payload_data(Quotation.objects.get(pk=quotation.pk))
    assert (data["number"], data["status"], data["order"], data["total"]) == (
        quotation.number,
        "accepted",
        order.pk,
        "11.90",
    )
