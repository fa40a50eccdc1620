"""Open invoices carried over: posted to receivables and the ledger against the opening balances
account, then aged, dunned, on the statement and paid like any open invoice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from imports.services import import_run
from imports.tests.files import csv_file, xlsx_file
from invoicing.models import Invoice
from ledger.models import JournalEntry
from ledger.selectors import account_balance
from o2c import pipeline
from receivables.dunning.models import DunningNoticeLine
from receivables.dunning.services import dunning_run
from receivables.statements.selectors import statement_get
from reporting.aging import aging_invoices, aging_totals
from tests.books import assert_books_in_step
from tests.builders import a_customer

pytestmark = pytest.mark.django_db

HEADER = ["number", "customer", "issue_date", "due_date", "amount"]


def run(content: bytes, *, dry_run: bool):
    return import_run(kind="open-invoices", content=content, filename="open.csv", dry_run=dry_run)


@pytest.fixture
def customers():
    return a_customer(code="C-1", payment_terms_days=30), a_customer(code="C-2", payment_terms_days=14)


def test_dry_run_then_real_run_posts_receivables_against_opening_balances(customers):
    today = timezone.localdate()
    old = (today - timedelta(days=75)).isoformat()
    content = csv_file(
        HEADER,
        ["RE-1", "C-1", old, (today - timedelta(days=45)).isoformat(), "1190.00"],
        ["RE-2", "C-2", today.isoformat(), "", '"250,50"'],  # a quoted decimal comma
    )
    dry = run(content, dry_run=True)
    assert dry.as_dict() == {"rows": 2, "created": 2, "updated": 0, "errors": []}
    assert not Invoice.objects.exists() and not JournalEntry.objects.exists()

    real = run(content, dry_run=False)
    assert (real.created, real.errors) == (2, [])
    first = Invoice.objects.get(previous_number="RE-1")
    assert first.number.startswith("OB-") and first.order_id is None
    assert (first.total, first.balance, first.status) == (Decimal("1190.00"), Decimal("1190.00"), "open")
    second = Invoice.objects.get(previous_number="RE-2")
    assert second.due_date == today + timedelta(days=14)  # the customer's payment terms
    assert account_balance(key="receivables") == Decimal("1440.50")
    assert account_balance(key="opening_balances") == Decimal("-1440.50")
    assert_books_in_step()


def test_they_age_are_dunned_and_show_on_the_statement(customers):
    today = timezone.localdate()
    content = csv_file(
        HEADER,
        [
            "RE-9",
            "C-1",
            (today - timedelta(days=100)).isoformat(),
            (today - timedelta(days=70)).isoformat(),
            "300.00",
        ],
    )
    assert run(content, dry_run=False).errors == []
    invoice = Invoice.objects.get(previous_number="RE-9")
    totals = aging_totals(as_of=today)
    assert totals.days_61_90 == Decimal("300.00")
    assert [row.number for row in aging_invoices(as_of=today)] == [invoice.number]
    run_ = dunning_run(as_of=today)
    assert DunningNoticeLine.objects.filter(notice__run=run_, invoice=invoice).exists()
    statement = statement_get(customer=customers[0], period_from=today - timedelta(days=120), period_to=today)
    assert statement.closing_balance == Decimal("300.00")


def test_a_payment_settles_an_imported_invoice(customers):
    content = csv_file(HEADER, ["RE-5", "C-1", "2026-01-15", "2026-02-14", "500.00"])
    assert run(content, dry_run=False).errors == []
    invoice = Invoice.objects.get(previous_number="RE-5")
    pipeline.payment_record(
        customer_id=customers[0].pk,
        amount="200.00",
        received_on=timezone.localdate(),
        reference=invoice.number,
    )
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("300.00"), "partially_paid")
    pipeline.payment_record(customer_id=customers[0].pk, amount="300.00", received_on=timezone.localdate())
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "paid")
    assert_books_in_step()


def test_errors_by_row_and_field(customers):
    content = csv_file(
        [*HEADER, "currency"],
        ["RE-1", "C-1", "2026-01-01", "2025-12-01", "10.00", ""],  # due before issue
        ["RE-1", "C-1", "2026-01-01", "", "10.00", ""],  # twice in the file
        ["RE-3", "NOPE", "2026-13-01", "", "0", ""],  # unknown customer, bad date, zero
        ["RE-4", "C-1", "0001-01-01", "9999-12-31", "12.345", "USD"],
        ["RE-5", "C-2", "01.02.2026", "", "１０", ""],  # a dotted date is fine; full-width digits are not
    )
    result = run(content, dry_run=True)
    assert {(e["row"], e["field"]) for e in result.errors} == {
        (2, "due_date"),
        (3, "number"),
        (4, "customer"),
        (4, "issue_date"),
        (4, "amount"),
        (5, "issue_date"),
        (5, "due_date"),
        (5, "amount"),
        (5, "currency"),
        (6, "amount"),
    }, result.errors


def test_a_number_carried_over_twice_is_refused(customers):
    content = csv_file(HEADER, ["RE-7", "C-1", "2026-01-01", "", "10.00"])
    assert run(content, dry_run=False).errors == []
    again = run(content, dry_run=False)
    assert again.errors == [{"row": 2, "field": "number", "message": "invoice RE-7 was carried over already"}]
    assert Invoice.objects.filter(previous_number="RE-7").count() == 1


def test_an_error_in_the_last_row_writes_nothing(customers):
    rows = [[f"RE-{n}", "C-1", "2026-01-01", "", "10.00"] for n in range(1, 20)]
    rows.append(["RE-20", "C-9", "2026-01-01", "", "10.00"])
    result = run(csv_file(HEADER, *rows), dry_run=False)
    assert result.errors == [{"row": 21, "field": "customer", "message": "no customer has code C-9"}]
    assert not Invoice.objects.exists() and not JournalEntry.objects.exists()


def test_from_xlsx_with_dates_as_the_workbook_stores_them(customers):
    content = xlsx_file(HEADER, ["RE-X", "C-2", date(2026, 3, 1), date(2026, 3, 31), 99.95])
    result = import_run(kind="open-invoices", content=content, filename="open.xlsx", dry_run=False)
    assert result.errors == []
    invoice = Invoice.objects.get(previous_number="RE-X")
    assert (invoice.issue_date, invoice.due_date, invoice.total) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
        Decimal("99.95"),
    )


def test_an_opening_invoice_shows_on_the_pages_the_api_and_its_pdf(
    customers, client, make_user, api_client_for
):
    content = csv_file(HEADER, ["RE-P", "C-1", "2026-01-15", "2026-02-14", "80.00"])
    assert run(content, dry_run=False).errors == []
    invoice = Invoice.objects.get(previous_number="RE-P")
    client.force_login(make_user("finance"))
    listing = client.get("/invoices/")
    assert listing.status_code == 200 and invoice.number in listing.text
    assert client.get("/invoices/?export=csv").status_code == 200
    pdf = client.get(f"/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    body = api_client_for("finance", "finance-api").get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (body["order"], body["order_number"], body["previous_number"]) == (None, None, "RE-P")
    assert body["balance"] == "80.00"
