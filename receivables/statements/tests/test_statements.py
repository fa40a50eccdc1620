"""Statements of account: the figures worked out by hand, the page, its CSV and PDF, the API.

The story (customer on 30 days' terms, all in 2026):

    10 Jan  invoice A 1000.00 (due 9 Feb)
     1 Feb  invoice B  500.00 (due 3 Mar)
    15 Feb  payment P1 400.00 applied to A                       A 600
     1 Mar  credit note 100.00 on B                              B 400
    10 Mar  invoice C  300.00 (due 9 Apr)
     1 Apr  invoice D  200.00 (due 1 May)
     5 Apr  payment P2 250.00, 100.00 applied to A, 150.00 unapplied   A 500
    20 Apr  P1 bounces: reversed                                 A 900
     1 May  50.00 of B written off                               B 350
    10 May  invoice E   80.00 (due 9 Jun)
    12 May  100.00 of C disputed

Statement 1 Mar – 15 May: opening = 1000 + 500 − 400 = 1100.00; movements −100, +300, +200,
−250, +400, −50, +80; closing 1680.00 = open balances 900 + 350 + 300 + 200 + 80 − unapplied 150.
Aging on 15 May: E current 80; D 14 days 200; C 36 days 200 (+100 disputed); B 73 days 350;
A 95 days 900.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.statements.documents import payment_reference
from receivables.statements.selectors import statement_get, statement_period_clean
from tests.builders import a_customer, a_product, an_order, line
from tests.errors import error_code

pytestmark = pytest.mark.django_db

D = Decimal


def on(day: date):
    """Travel to noon of `day` in the company's time zone."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


def invoice_on(day: date, customer, amount: str, *, finance):
    """An invoice of `amount` issued on `day` (a credit hold from overdue invoices is released)."""
    with on(day):
        service = a_product(price=amount, tax_rate="0.00", kind="service", cost="0")
        order = an_order(customer, line(service, "1"), submit=True, by=finance)
        if order.status == "on_hold":
            order = pipeline.hold_release(order_id=order.pk, note="known customer", by=finance)
        return order.invoices.get()


@pytest.fixture
def story(make_user):
    finance, manager = make_user("finance"), make_user("manager")
    customer = a_customer(
        payment_terms_days=30,
        name="Kessler Maschinenbau AG",
        code="K1001",
        billing_address="Accounts payable\nIndustriestraße 4\n70565 Stuttgart\nGermany",
    )
    inv_a = invoice_on(date(2026, 1, 10), customer, "1000.00", finance=finance)
    inv_b = invoice_on(date(2026, 2, 1), customer, "500.00", finance=finance)
    with on(date(2026, 2, 15)):
        p1 = pipeline.payment_record(
            customer_id=customer.pk,
            amount="400.00",
            received_on=date(2026, 2, 15),
            reference="first instalment",
            allocations=[AllocationInput(invoice_id=inv_a.pk, amount=D("400.00"))],
            by=finance,
        )
    with on(date(2026, 3, 1)):
        credit_note = pipeline.credit_note_issue(
            invoice_id=inv_b.pk, reason="price agreed", amount=D("100.00"), by=finance
        )
    inv_c = invoice_on(date(2026, 3, 10), customer, "300.00", finance=finance)
    inv_d = invoice_on(date(2026, 4, 1), customer, "200.00", finance=finance)
    with on(date(2026, 4, 5)):
        p2 = pipeline.payment_record(
            customer_id=customer.pk,
            amount="250.00",
            received_on=date(2026, 4, 5),
            reference="on account",
            allocations=[AllocationInput(invoice_id=inv_a.pk, amount=D("100.00"))],
            by=finance,
        )
    with on(date(2026, 4, 20)):
        pipeline.payment_reverse(payment_id=p1.pk, reason="returned by the bank", by=finance)
    with on(date(2026, 5, 1)):
        pipeline.write_off(invoice_id=inv_b.pk, amount="50.00", reason="goodwill", by=manager)
    inv_e = invoice_on(date(2026, 5, 10), customer, "80.00", finance=finance)
    with on(date(2026, 5, 12)):
        pipeline.dispute_open(invoice_id=inv_c.pk, amount="100.00", reason="quality", by=finance)
    return {
        "customer": customer,
        "finance": finance,
        "A": inv_a,
        "B": inv_b,
        "C": inv_c,
        "D": inv_d,
        "E": inv_e,
        "P1": p1,
        "P2": p2,
        "CN": credit_note,
    }


def test_the_statement_for_a_period_worked_out_by_hand(story):
    customer, p1, p2 = story["customer"], story["P1"], story["P2"]

    statement = statement_get(customer=customer, period_from=date(2026, 3, 1), period_to=date(2026, 5, 15))

    assert statement.opening_balance == D("1100.00")
    assert [(m.entry_date, m.kind, m.document, m.amount, m.balance) for m in statement.movements] == [
        (date(2026, 3, 1), "credit_note", story["CN"].number, D("-100.00"), D("1000.00")),
        (date(2026, 3, 10), "invoice", story["C"].number, D("300.00"), D("1300.00")),
        (date(2026, 4, 1), "invoice", story["D"].number, D("200.00"), D("1500.00")),
        (date(2026, 4, 5), "payment", p2.number, D("-250.00"), D("1250.00")),
        (date(2026, 4, 20), "payment_reversal", p1.number, D("400.00"), D("1650.00")),
        (date(2026, 5, 1), "write_off", story["B"].number, D("-50.00"), D("1600.00")),
        (date(2026, 5, 10), "invoice", story["E"].number, D("80.00"), D("1680.00")),
    ]
    assert statement.closing_balance == D("1680.00")
    assert (statement.total_debit, statement.total_credit) == (D("980.00"), D("400.00"))
    # the payment's line says what it paid; its unapplied 150.00 stays on the account
    payment_line = statement.movements[3]
    assert [(a.number, a.amount) for a in payment_line.allocations] == [(story["A"].number, D("100.00"))]
    assert story["A"].number in payment_line.description
    assert statement.movements[1].due_date == date(2026, 4, 9)

    aging = statement.aging
    assert (aging.current, aging.days_1_30, aging.days_31_60, aging.days_61_90, aging.days_over_90) == (
        D("80.00"),
        D("200.00"),
        D("200.00"),
        D("350.00"),
        D("900.00"),
    )
    assert (aging.disputed, aging.unapplied) == (D("100.00"), D("150.00"))
    # closing = Σ open balances − unapplied cash as of `to`
    assert (
        aging.total
        == statement.closing_balance
        == D("900.00") + D("350.00") + D("300.00") + D("200.00") + D("80.00") - D("150.00")
    )
    assert [
        (item.number, item.balance, item.disputed, item.days_past_due) for item in statement.open_items
    ] == [
        (story["A"].number, D("900.00"), D("0.00"), 95),
        (story["B"].number, D("350.00"), D("0.00"), 73),
        (story["C"].number, D("300.00"), D("100.00"), 36),
        (story["D"].number, D("200.00"), D("0.00"), 14),
        (story["E"].number, D("80.00"), D("0.00"), 0),
    ]


def test_an_earlier_period_shows_what_was_open_then(story):
    statement = statement_get(
        customer=story["customer"], period_from=date(2026, 1, 1), period_to=date(2026, 2, 28)
    )

    assert statement.opening_balance == D("0.00")
    assert [(m.kind, m.amount, m.balance) for m in statement.movements] == [
        ("invoice", D("1000.00"), D("1000.00")),
        ("invoice", D("500.00"), D("1500.00")),
        ("payment", D("-400.00"), D("1100.00")),
    ]
    assert [(a.number, a.amount) for a in statement.movements[2].allocations] == [
        (story["A"].number, D("400.00"))
    ]
    assert statement.closing_balance == D("1100.00")
    # on 28 Feb: A (due 9 Feb) 19 days past due, B not yet due, no unapplied cash, no dispute yet
    aging = statement.aging
    assert (aging.current, aging.days_1_30, aging.disputed, aging.unapplied, aging.total) == (
        D("500.00"),
        D("600.00"),
        D("0.00"),
        D("0.00"),
        D("1100.00"),
    )


def test_the_closing_balance_is_the_next_opening_balance(story):
    customer = story["customer"]
    first = statement_get(customer=customer, period_from=date(2026, 1, 1), period_to=date(2026, 3, 31))
    second = statement_get(customer=customer, period_from=date(2026, 4, 1), period_to=date(2026, 6, 30))

    assert second.opening_balance == first.closing_balance == D("1300.00")
    assert second.closing_balance == second.opening_balance + sum(m.amount for m in second.movements)


def test_aging_buckets_move_with_time(make_user):
    """One invoice, looked at on the days its bucket changes (due on 31 Jan)."""
    finance = make_user("finance")
    customer = a_customer(payment_terms_days=21)
    invoice_on(date(2026, 1, 10), customer, "100.00", finance=finance)
    expected = {
        date(2026, 1, 31): "current",
        date(2026, 2, 1): "days_1_30",
        date(2026, 3, 2): "days_1_30",
        date(2026, 3, 3): "days_31_60",
        date(2026, 4, 1): "days_31_60",
        date(2026, 4, 2): "days_61_90",
        date(2026, 5, 1): "days_61_90",
        date(2026, 5, 2): "days_over_90",
    }
    for as_of, bucket in expected.items():
        aging = statement_get(customer=customer, period_from=date(2026, 1, 1), period_to=as_of).aging
        filled = {key: value for key, _, value in aging.buckets() if value}
        assert filled == {bucket: D("100.00")}, as_of


def test_a_period_ending_before_it_starts_is_refused():
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        statement_period_clean(period_from=date(2026, 5, 1), period_to=date(2026, 4, 1))
    assert refused.value.field == "from"
    with on(date(2026, 11, 23)):
        assert statement_period_clean(period_from=None, period_to=None) == (
            date(2026, 1, 1),
            date(2026, 11, 23),
        )


def test_the_payment_reference_names_the_invoices_and_the_customer():
    assert payment_reference(customer_code="K1", invoice_numbers=["INV-1", "INV-2"]) == "INV-1 INV-2 K1"
    assert payment_reference(customer_code="K1", invoice_numbers=[]) == "K1"
    many = [f"INV-2026-{n:06d}" for n in range(20)]
    assert payment_reference(customer_code="K1", invoice_numbers=many) == "K1"


# ── the page ─────────────────────────────────────────────────────────────────────────────────────


def test_the_statement_page_with_csv_and_pdf(story, client, django_assert_max_num_queries):
    customer = story["customer"]
    client.force_login(story["finance"])
    url = reverse("receivables:customer-statement", args=[customer.pk])
    query = {"from": "2026-03-01", "to": "2026-05-15"}

    with django_assert_max_num_queries(10):
        page = client.get(url, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Statement of account" in html and story["C"].number in html and "1,680.00" in html
    assert html.count('data-testid="movement"') == 7

    csv_lines = b"".join(client.get(url, {**query, "export": "csv"}).streaming_content).decode().splitlines()
    assert csv_lines[0] == "date,kind,document,description,due_date,debit,credit,balance"
    assert csv_lines[1].startswith("2026-03-01,opening,") and csv_lines[1].endswith(",1100.00")
    assert csv_lines[-1].startswith("2026-05-15,closing,") and csv_lines[-1].endswith(",1680.00")
    assert len(csv_lines) == 1 + 1 + 7 + 1

    pdf = client.get(url, {**query, "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Kessler Maschinenbau AG" in text and "Statement of account" in text
    assert "1,680.00" in text and "1,100.00" in text and story["C"].number in text


def test_the_statement_page_defaults_to_this_year_and_shows_bad_dates(story, client):
    client.force_login(story["finance"])
    url = reverse("receivables:customer-statement", args=[story["customer"].pk])
    with on(date(2026, 6, 30)):
        page = client.get(url)
    assert page.status_code == 200
    assert 'value="2026-01-01"' in page.content.decode() and 'value="2026-06-30"' in page.content.decode()

    bad = client.get(url, {"from": "2026-13-01"})
    assert bad.status_code == 200 and 'data-testid="period-errors"' in bad.content.decode()
    backwards = client.get(url, {"from": "2026-05-01", "to": "2026-04-01"})
    assert "after it ends" in backwards.content.decode()


def test_who_reads_the_statement_page(story, client, make_user):
    url = reverse("receivables:customer-statement", args=[story["customer"].pk])
    for role, status in (("sales", 200), ("manager", 200), ("warehouse", 403)):
        client.force_login(make_user(role, f"{role}-reader"))
        assert client.get(url).status_code == status, role
    client.force_login(story["finance"])
    assert client.get(reverse("receivables:customer-statement", args=[999999])).status_code == 404


def test_the_customer_page_links_to_the_statement_and_portal_links(story, client, make_user):
    customer = story["customer"]
    client.force_login(story["finance"])
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("receivables:customer-statement", args=[customer.pk]) in html
    assert reverse("receivables:portal-links", args=[customer.pk]) in html
    assert f"/cash/payments/?customer={customer.pk}" in html
    client.force_login(make_user("sales"))
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("receivables:customer-statement", args=[customer.pk]) in html
    assert reverse("receivables:portal-links", args=[customer.pk]) not in html


# ── the API ──────────────────────────────────────────────────────────────────────────────────────


def test_the_statement_api(story, api_client_for, django_assert_max_num_queries):
    api = api_client_for("finance", "api-finance")
    url = f"/api/v1/customers/{story['customer'].pk}/statement/"

    with django_assert_max_num_queries(9):
        response = api.get(url, {"from": "2026-03-01", "to": "2026-05-15"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"], body["currency"]) == ("2026-03-01", "2026-05-15", "EUR")
    assert body["customer"]["code"] == "K1001"
    assert (body["opening_balance"], body["closing_balance"]) == ("1100.00", "1680.00")
    assert [(m["kind"], m["amount"], m["balance"]) for m in body["movements"]] == [
        ("credit_note", "-100.00", "1000.00"),
        ("invoice", "300.00", "1300.00"),
        ("invoice", "200.00", "1500.00"),
        ("payment", "-250.00", "1250.00"),
        ("payment_reversal", "400.00", "1650.00"),
        ("write_off", "-50.00", "1600.00"),
        ("invoice", "80.00", "1680.00"),
    ]
    assert body["movements"][3]["allocations"] == [
        {"invoice": story["A"].pk, "number": story["A"].number, "amount": "100.00"}
    ]
    assert (body["movements"][3]["debit"], body["movements"][3]["credit"]) == ("0.00", "250.00")
    assert body["aging"] == {
        "as_of": "2026-05-15",
        "current": "80.00",
        "days_1_30": "200.00",
        "days_31_60": "200.00",
        "days_61_90": "350.00",
        "days_over_90": "900.00",
        "disputed": "100.00",
        "unapplied": "150.00",
        "total": "1680.00",
    }
    assert body["open_invoices"][0]["number"] == story["A"].number


def test_the_statement_api_as_pdf(story, api_client_for):
    api = api_client_for("manager", "api-manager")
    response = api.get(
        f"/api/v1/customers/{story['customer'].pk}/statement/",
        {"from": "2026-03-01", "to": "2026-05-15", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Kessler Maschinenbau AG" in text and "1,680.00" in text


def test_the_statement_api_refuses_bad_input_and_roles(story, api_client_for):
    url = f"/api/v1/customers/{story['customer'].pk}/statement/"
    finance = api_client_for("finance", "api-finance")
    bad_date = finance.get(url, {"from": "yesterday"})
    assert bad_date.json().keys() == {"from", "code"} and error_code(bad_date) == "invalid_date"
    backwards = finance.get(url, {"from": "2026-05-01", "to": "2026-04-01"})
    assert backwards.status_code == 400 and "from" in backwards.json()
    assert error_code(backwards) == "period_reversed"
    pdf_error = finance.get(url, {"from": "nope", "format": "pdf"})
    assert pdf_error.status_code == 400 and pdf_error["Content-Type"] == "application/json"
    assert finance.get("/api/v1/customers/999999/statement/").status_code == 404
    assert api_client_for("sales", "api-sales").get(url).status_code == 200
    assert api_client_for("warehouse", "api-warehouse").get(url).status_code == 403


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
