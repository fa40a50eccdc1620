"""Invoice pages: the list with its filters and export, one invoice, its PDF, finance's credit
notes, and the list of credit notes, from the browser's side.

State is built through tests/builders.py and the pipeline, never by writing rows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from invoicing.models import CreditNote
from invoicing.selectors import credit_note_list, invoice_get, invoice_list
from invoicing.services import CreditLineInput
from o2c import pipeline
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db

INVOICES = reverse("invoicing:list")
CREDIT_NOTES = reverse("invoicing:credit-notes")


def login(client, make_user, role="finance"):
    user = make_user(role, f"{role}-page-user")
    client.force_login(user)
    return user


def detail_url(invoice) -> str:
    return reverse("invoicing:detail", args=[invoice.pk])


def credit_url(invoice) -> str:
    return reverse("invoicing:credit", args=[invoice.pk])


@pytest.fixture
def widget():
    product = a_product(sku="WID-1", name="Widget", price="10.00", tax_rate="19.00")
    stock(product, "500")
    return product


@pytest.fixture
def beans():
    product = a_product(sku="BEAN-1", name="Beans 1 kg", price="20.00", tax_rate="7.00")
    stock(product, "500")
    return product


def an_invoice(customer, *lines):
    """Order, pick, pack and ship through the pipeline: the shipment's invoice."""
    order = an_order(customer, *lines, submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return invoice_list(filters={"shipment": shipment.pk}).get()


@pytest.fixture
def customer():
    return a_customer(
        code="ACME", name="Acme GmbH", payment_terms_days=14, billing_address="Acme GmbH\nHafen 1"
    )


@pytest.fixture
def invoice(customer, widget, beans):
    # 5 × 10.00 at 19 % = 59.50, 2 × 20.00 at 7 % = 42.80: 102.30
    return an_invoice(customer, line(widget, "5"), line(beans, "2"))


def invoice_numbers(response) -> list[str]:
    return re.findall(
        r'<tr data-testid="invoice-row">\s*<td[^>]*><a[^>]*>(INV-[\d-]+)</a>', response.content.decode()
    )


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "sales", "warehouse", "manager"])
def test_every_role_reads_invoices(client, make_user, invoice, role):
    login(client, make_user, role)
    assert client.get(INVOICES).status_code == 200
    page = client.get(detail_url(invoice)).content.decode()
    assert invoice.number in page
    assert ('data-testid="credit"' in page) is (role in ("finance", "manager"))
    assert client.get(CREDIT_NOTES).status_code == 200


def test_a_user_without_a_role_gets_403(client, make_user, invoice):
    login(client, make_user, None)
    assert client.get(INVOICES).status_code == 403
    assert client.get(detail_url(invoice)).status_code == 403


@pytest.mark.parametrize("role", ["warehouse", "sales"])
def test_only_finance_issues_credit_notes(client, make_user, invoice, role):
    login(client, make_user, role)

    assert client.get(credit_url(invoice)).status_code == 403
    response = client.post(credit_url(invoice), {"mode": "full", "reason": "goodwill"})

    assert response.status_code == 403
    assert not credit_note_list().exists()


# --- the list -----------------------------------------------------------------------------------


def test_the_list_filters_by_number_customer_and_status(client, make_user, customer, widget, invoice):
    other = an_invoice(a_customer(code="ZED", name="Zed Ltd"), line(widget, "1"))
    pipeline.credit_note_issue(invoice_id=other.pk, reason="returned", by=None)
    login(client, make_user)

    assert invoice_numbers(client.get(INVOICES)) == [other.number, invoice.number]
    assert invoice_numbers(client.get(INVOICES, {"q": invoice.number})) == [invoice.number]
    assert invoice_numbers(client.get(INVOICES, {"customer": "zed"})) == [other.number]
    assert invoice_numbers(client.get(INVOICES, {"status": "credited"})) == [other.number]
    assert invoice_numbers(client.get(INVOICES, {"status": "open"})) == [invoice.number]


def test_the_overdue_filter_and_days_overdue(client, make_user, customer, widget, invoice):
    paid_up = an_invoice(customer, line(widget, "1"))
    pipeline.credit_note_issue(invoice_id=paid_up.pk, reason="settled by credit", by=None)

    with time_machine.travel(timezone.now() + timedelta(days=19), tick=False):  # due after 14 days
        login(client, make_user)  # a session from 19 days ago would have expired
        overdue = client.get(INVOICES, {"overdue": "yes"})
        not_overdue = client.get(INVOICES, {"overdue": "no"})
        detail = client.get(detail_url(invoice)).content.decode()

    assert invoice_numbers(overdue) == [invoice.number]
    assert re.search(r'data-testid="days-overdue">5<', overdue.content.decode())
    assert invoice_numbers(not_overdue) == [paid_up.number]
    assert "5 days overdue" in detail
    assert invoice_numbers(client.get(INVOICES, {"overdue": "yes"})) == []  # not yet due today


def test_the_list_exports_csv(client, make_user, invoice):
    login(client, make_user)

    response = client.get(INVOICES, {"export": "csv", "status": "open"})

    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].split(",")[:3] == ["number", "issue_date", "due_date"]
    number, *_ = rows[1].split(",")
    assert number == invoice.number
    assert ",102.30,0.00,0.00,0.00,102.30,0,open," in rows[1]
    assert len(rows) == 2


@pytest.mark.parametrize("rows", [3, 12])
def test_the_list_runs_a_bounded_number_of_queries(
    client, make_user, widget, rows, django_assert_max_num_queries
):
    customer = a_customer()
    for _ in range(rows):
        an_invoice(customer, line(widget, "1"))
    login(client, make_user)

    with django_assert_max_num_queries(6):
        response = client.get(INVOICES)

    assert len(invoice_numbers(response)) == rows


# --- one invoice and its PDF --------------------------------------------------------------------


def test_the_invoice_page_shows_lines_tax_per_rate_settlements_and_delivery(client, make_user, invoice):
    invoice_line = invoice.lines.get(position=1)
    pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="one widget broken",
        lines=[CreditLineInput(invoice_line_id=invoice_line.pk, quantity=Decimal("1"))],
        by=None,
    )
    login(client, make_user)

    page = client.get(detail_url(invoice)).content.decode()

    assert "Hafen 1" in page  # billing address
    assert "WID-1" in page and "BEAN-1" in page
    assert re.search(r"7.00 %</td><td[^>]*>40.00</td><td[^>]*>2.80</td><td[^>]*>42.80<", page)
    assert re.search(r"19.00 %</td><td[^>]*>50.00</td><td[^>]*>9.50</td><td[^>]*>59.50<", page)
    assert re.search(r'data-testid="invoice-total">102.30<', page)
    assert re.search(r'data-testid="invoice-balance">90.40<', page)  # 102.30 − 11.90
    assert "one widget broken" in page
    assert "Queued" in page  # the delivery runs after commit
    assert reverse("invoicing:pdf", args=[invoice.pk]) in page


def test_the_pdf_is_rendered_on_the_fly_and_not_stored(client, make_user, invoice):
    login(client, make_user, "sales")

    response = client.get(reverse("invoicing:pdf", args=[invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not invoice_get(invoice_id=invoice.pk).pdf


def test_an_unknown_invoice_is_a_404(client, make_user):
    login(client, make_user)
    assert client.get(reverse("invoicing:detail", args=[999999])).status_code == 404
    assert client.get(reverse("invoicing:credit", args=[999999])).status_code == 404


# --- credit notes -------------------------------------------------------------------------------


def test_a_credit_note_by_line(client, make_user, invoice):
    widget_line, beans_line = invoice.lines.order_by("position")
    login(client, make_user)

    response = client.post(
        credit_url(invoice),
        {
            "mode": "lines",
            "reason": "2 widgets returned",
            f"quantity_{widget_line.pk}": "2",
            f"quantity_{beans_line.pk}": "",
            "amount": "not used in this mode",
        },
        follow=True,
    )

    note = credit_note_list(filters={"invoice": invoice.pk}).get()
    assert response.redirect_chain == [(detail_url(invoice), 302)]
    assert f"Credit note {note.number} issued" in response.content.decode()
    assert (note.net_total, note.tax_total, note.total) == (
        Decimal("20.00"),
        Decimal("3.80"),
        Decimal("23.80"),
    )
    assert [(line.invoice_line_id, line.quantity) for line in note.lines.all()] == [
        (widget_line.pk, Decimal("2"))
    ]
    assert invoice_get(invoice_id=invoice.pk).balance == Decimal("78.50")
    form = client.get(credit_url(invoice)).content.decode()
    assert re.search(r'max="3"', form)  # 5 invoiced, 2 credited


def test_a_credit_note_by_amount(client, make_user, invoice):
    login(client, make_user)

    response = client.post(
        credit_url(invoice), {"mode": "amount", "amount": "10.23", "reason": "late delivery"}
    )

    note = credit_note_list(filters={"invoice": invoice.pk}).get()
    assert response.status_code == 302
    assert note.total == Decimal("10.23")
    assert note.reason == "late delivery"
    assert invoice_get(invoice_id=invoice.pk).balance == Decimal("92.07")


def test_a_full_credit_note_credits_the_open_balance(client, make_user, invoice):
    login(client, make_user)

    client.post(credit_url(invoice), {"mode": "full", "reason": "order cancelled by agreement"})

    credited = invoice_get(invoice_id=invoice.pk)
    assert credit_note_list(filters={"invoice": invoice.pk}).get().total == Decimal("102.30")
    assert (credited.balance, credited.status) == (Decimal("0.00"), "credited")
    response = client.get(credit_url(invoice), follow=True)
    assert "there is nothing to credit" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"mode": "amount", "amount": "102.31"}, "At most 102.30 EUR can be credited"),
        ({"mode": "amount", "amount": ""}, "Enter the amount to credit."),
        ({"mode": "amount", "amount": "0"}, "The amount to credit must be positive."),
        ({"mode": "lines", "quantity_WIDGET": "6"}, "Only 5 is not yet credited."),
        ({"mode": "lines"}, "Enter a quantity to credit on at least one line."),
        ({"mode": "full", "reason": ""}, "Give the reason for the credit note."),
    ],
)
def test_what_cannot_be_credited_shows_the_error_and_writes_nothing(client, make_user, invoice, data, error):
    widget_line = invoice.lines.get(position=1)
    data = {"reason": "returned", **data}
    if "quantity_WIDGET" in data:
        data[f"quantity_{widget_line.pk}"] = data.pop("quantity_WIDGET")
    login(client, make_user)

    response = client.post(credit_url(invoice), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CreditNote.objects.exists()
    assert invoice_get(invoice_id=invoice.pk).balance == Decimal("102.30")


def test_over_crediting_what_the_service_refuses_is_shown_and_writes_nothing(client, make_user, invoice):
    pipeline.credit_note_issue(invoice_id=invoice.pk, reason="discount", amount=Decimal("100.00"), by=None)
    widget_line = invoice.lines.get(position=1)
    login(client, make_user)

    # 1 widget (11.90) is within its line but beyond the 2.30 left open on the invoice
    response = client.post(
        credit_url(invoice), {"mode": "lines", "reason": "returned", f"quantity_{widget_line.pk}": "1"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-error"' in page
    assert "exceeds the 2.30 that remains open" in page
    assert credit_note_list(filters={"invoice": invoice.pk}).count() == 1
    assert invoice_get(invoice_id=invoice.pk).balance == Decimal("2.30")


def test_the_credit_note_list_pdf_and_export(client, make_user, invoice):
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="returned", amount=Decimal("5.00"), by=None
    )
    login(client, make_user)

    page = client.get(CREDIT_NOTES).content.decode()
    pdf = client.get(reverse("invoicing:credit-note-pdf", args=[note.pk]))
    export = client.get(CREDIT_NOTES, {"export": "csv"})

    assert note.number in page and invoice.number in page
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[1].startswith(f"{note.number},")
    assert ",5.00,returned," in rows[1]
