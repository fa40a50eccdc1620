"""Invoice and credit-note PDFs: what the customer reads on them.

State is built through the pipeline (order, shipment, invoice, credit note); the PDFs are read
back with pypdf, so each assertion is about text a customer sees.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.test import override_settings
from pypdf import PdfReader

from customers.models import Customer
from invoicing.documents import (
    OfflineURLFetcher,
    _recipient,
    credit_note_pdf_render,
    document_date,
    invoice_pdf_render,
)
from invoicing.models import Invoice
from invoicing.services import CreditLineInput
from o2c import pipeline
from orders.services import LineInput
from tests.builders import a_customer, a_product, a_warehouse, stock

pytestmark = pytest.mark.django_db

LONG_ADDRESS = (
    "Zentraleinkauf / Kreditorenbuchhaltung\n"
    "Attn. Ms Johanna Brandstätter-Oberleitner\n"
    "Kärntner Ring 5–7, Stiege 2, 4. Stock, Top 12\n"
    "1010 Wien\nAustria"
)


def shipped_invoice(*, lines=None, customer=None, customer_reference: str = "PO-4711") -> Invoice:
    """The invoice of a shipped order: by default two machines at 19 % (5 % off), 24 kg of
    beans at 7 % and 3.5 hours of installation (a service, invoiced with the shipment)."""
    customer = customer or a_customer(
        name="Evergreen Hotels & Resorts AG",
        billing_address=LONG_ADDRESS,
        payment_terms_days=30,
        vat_number="ATU13585627",
    )
    if lines is None:
        machine = a_product(name="Espresso machine Barista 100", price="1290.00", tax_rate="19.00")
        beans = a_product(name="Coffee beans, house blend, 1 kg", price="18.90", tax_rate="7.00")
        install = a_product(name="Installation (hour)", price="95.00", tax_rate="19.00", kind="service")
        lines = [
            (machine, "2", "5"),
            (beans, "24", "0"),
            (install, "3.5", "0"),
        ]
    for product, quantity, _ in lines:
        if product.kind == "stock":
            stock(product, quantity)
    order = pipeline.order_place(
        by=None,
        submit=True,
        customer_id=customer.pk,
        warehouse_id=a_warehouse().pk,
        customer_reference=customer_reference,
        lines=[
            LineInput(product_id=product.pk, quantity=Decimal(quantity), discount_percent=Decimal(discount))
            for product, quantity, discount in lines
        ],
    )
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", tracking_number="JJD01", by=None)
    return Invoice.objects.select_related("customer", "order", "shipment").get(shipment=shipment)


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_invoice_pdf_says_who_owes_what_by_when_and_how_to_pay():
    invoice = shipped_invoice()
    # 2 × 1290.00 − 5 % = 2451.00 (+465.69); 24 × 18.90 = 453.60 (+31.75); 3.5 × 95.00 = 332.50 (+63.18)
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        Decimal("3237.10"),
        Decimal("560.62"),
        Decimal("3797.72"),
    )

    pdf = invoice_pdf_render(invoice=invoice)

    assert pdf.startswith(b"%PDF-")
    pages, text = pdf_text(pdf)
    assert pages == 1
    for printed in [
        "O2C Demo Trading GmbH",  # letterhead
        "Hafenstraße 12",
        f"Invoice {invoice.number}",
        "Evergreen Hotels & Resorts AG",  # the addressee, with the whole billing address
        "Kärntner Ring 5–7, Stiege 2, 4. Stock, Top 12",
        "VAT ID ATU13585627",
        invoice.order.number,
        "PO-4711",
        invoice.shipment.number,
        f"Issue date {document_date(invoice.issue_date)}",
        f"Due date {document_date(invoice.due_date)}",
        "Espresso machine Barista 100",
        "2,451.00",  # the discounted line's net
        "5 %",
        "3.5",  # the service line's quantity
        "3,237.10 EUR",  # net total
        "560.62 EUR",  # tax
        "Total due 3,797.72 EUR",
        f"Payable within 30 days, by {document_date(invoice.due_date)}.",
        f"Payment reference {invoice.number}",
        "IBAN DE89 3704 0044 0532 0130 00",
        "Page 1 of 1",
    ]:
        assert printed in text, printed


def test_tax_is_summarised_per_rate_from_the_lines():
    invoice = shipped_invoice()

    _, text = pdf_text(invoice_pdf_render(invoice=invoice))

    # 19 %: 2451.00 + 332.50 net, 465.69 + 63.18 tax; 7 %: 453.60 net, 31.75 tax
    assert "19 % 2,783.50 528.87" in text
    assert "7 % 453.60 31.75" in text


@override_settings(
    O2C_COMPANY_NAME="Nordlicht Kaffee GmbH",
    O2C_COMPANY_ADDRESS="Am Sandtorkai 1\n20457 Hamburg",
    O2C_COMPANY_BANK="IBAN DE02 1203 0000 0000 2020 51 · BIC BYLADEM1001",
    O2C_COMPANY_VAT_NUMBER="DE123456789",
)
def test_the_letterhead_and_bank_details_come_from_settings():
    invoice = shipped_invoice()

    _, text = pdf_text(invoice_pdf_render(invoice=invoice))

    assert "Nordlicht Kaffee GmbH" in text and "Am Sandtorkai 1" in text
    assert "IBAN DE02 1203 0000 0000 2020 51" in text
    assert "VAT ID DE123456789" in text
    assert "O2C Demo Trading" not in text


def test_a_long_invoice_runs_over_pages_with_numbers_and_its_heading_on_each():
    lines = [(a_product(name=f"Spare part {n}", price="4.50"), "1", "0") for n in range(1, 41)]
    invoice = shipped_invoice(lines=lines)

    pages, text = pdf_text(invoice_pdf_render(invoice=invoice))

    assert pages == 2
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert text.count(f"Invoice {invoice.number}") >= 2  # the title, then the running head
    assert text.count("Unit price") == 2  # the table header repeats
    assert "Spare part 40" in text and "Total due 214.40 EUR" in text  # 40 × (4.50 + 0.86 tax)


def test_a_credit_note_by_lines_names_its_invoice_reason_and_credited_lines():
    invoice = shipped_invoice()
    machine_line = invoice.lines.get(position=1)
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="One machine arrived damaged",
        lines=[CreditLineInput(invoice_line_id=machine_line.pk, quantity=Decimal("1"))],
        by=None,
    )

    pdf = credit_note_pdf_render(credit_note=note)

    pages, text = pdf_text(pdf)
    assert pages == 1
    assert note.total == Decimal("1458.35")  # half of the line: 1225.50 net + 232.85 tax
    for printed in [
        "O2C Demo Trading GmbH",
        f"Credit note {note.number}",
        f"corrects invoice {invoice.number} of {document_date(invoice.issue_date)}",
        "Reason: One machine arrived damaged",
        "Espresso machine Barista 100",
        "1,290.00",  # the invoice line's unit price
        "Total credited 1,458.35 EUR",
        f"Issue date {document_date(note.issue_date)}",
        "Evergreen Hotels & Resorts AG",
    ]:
        assert printed in text, printed


def test_a_credit_note_for_an_amount_shows_it_per_tax_rate():
    invoice = shipped_invoice()
    note = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="Goodwill", amount=Decimal("100.00"), by=None
    )

    _, text = pdf_text(credit_note_pdf_render(credit_note=note))

    assert "Total credited 100.00 EUR" in text
    assert "Reason: Goodwill" in text
    assert text.count("Credit at") == 2  # one line per tax rate of the invoice


def test_rendering_fetches_nothing_from_outside():
    fetcher = OfflineURLFetcher()

    for url in ("https://fonts.example.com/font.woff2", "http://127.0.0.1/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher(url)
    assert fetcher("data:text/plain,ok").read() == b"ok"


def test_the_addressee_falls_back_to_the_customers_billing_address_without_repeating_the_name():
    customer = Customer(name="Bistro Nord KG", billing_address="Große Elbstraße 7\n22767 Hamburg")

    assert _recipient(customer=customer, billing_address="").address_lines == [
        "Große Elbstraße 7",
        "22767 Hamburg",
    ]
    assert _recipient(customer=customer, billing_address="Bistro Nord KG").address_lines == []
    assert _recipient(customer=customer, billing_address="Postfach 12\n20001 Hamburg").address_lines == [
        "Postfach 12",
        "20001 Hamburg",
    ]
