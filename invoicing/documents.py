"""Invoice and credit-note PDFs: a Django template rendered by WeasyPrint on A4, fully offline.

Rendering only: every figure printed is an amount stored on the document; the tax summary per
rate is the sum of the stored line amounts. Figures are formatted here (en-US grouping, the
currency's minor unit) so that the templates only lay them out. The print stylesheet is inlined
and the URL fetcher refuses everything but `data:` URLs, so rendering never touches the network
or the file system.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from invoicing.models import CreditNote, Invoice
from o2c.money import ZERO

DATE_FORMAT = "j M Y"  # 23 Nov 2026: unambiguous for customers in every country
_LOCALE = "en_US"


class OfflineURLFetcher(URLFetcher):
    """Refuses every URL except inline `data:` ones: a template can never make a PDF wait on
    (or leak to) a remote server."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"PDF rendering fetches nothing: {url} refused")


def document_date(value: date) -> str:
    """A date as the documents print it."""
    return dateformat.format(value, DATE_FORMAT)


def document_amount(value: Decimal, currency: str) -> str:
    """An amount as the documents print it: 1,290.00 (the currency's minor unit)."""
    return format_currency(value, currency, format="#,##0.00", locale=_LOCALE, currency_digits=True)


def _quantity(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.###", locale=_LOCALE)


def _percent(value: Decimal) -> str:
    return format_decimal(value, format="0.##", locale=_LOCALE) + " %"


def _lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class _Party:
    name: str
    address_lines: list[str]
    vat_number: str = ""


@dataclass(frozen=True)
class _Row:
    position: int
    description: str
    sku: str
    quantity: str
    unit_price: str
    discount: str
    tax_rate: str
    net: str


@dataclass(frozen=True)
class _TaxRow:
    rate: str
    net: str
    tax: str


def _company() -> dict:
    address_lines = _lines_of(settings.O2C_COMPANY_ADDRESS)
    return {
        "name": settings.O2C_COMPANY_NAME,
        "address_lines": address_lines,
        "one_line": " · ".join([settings.O2C_COMPANY_NAME, *address_lines]),
        "bank": settings.O2C_COMPANY_BANK,
        "vat_number": settings.O2C_COMPANY_VAT_NUMBER,
        "email": settings.DEFAULT_FROM_EMAIL,
    }


def _recipient(*, customer, billing_address: str) -> _Party:
    address = _lines_of(billing_address or customer.billing_address)
    if address and address[0] == customer.name:  # the address may already start with the name
        address = address[1:]
    return _Party(name=customer.name, address_lines=address, vat_number=customer.vat_number)


def _tax_summary(lines, currency: str) -> list[_TaxRow]:
    """Net and tax per rate: sums of the stored, already rounded line amounts."""
    net_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    tax_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        net_by_rate[line.tax_rate] += line.net_amount
        tax_by_rate[line.tax_rate] += line.tax_amount
    return [
        _TaxRow(
            rate=_percent(rate),
            net=document_amount(net_by_rate[rate], currency),
            tax=document_amount(tax_by_rate[rate], currency),
        )
        for rate in sorted(net_by_rate, reverse=True)
    ]


def _totals(document, currency: str) -> dict:
    return {
        "net": document_amount(document.net_total, currency),
        "tax": document_amount(document.tax_total, currency),
        "total": document_amount(document.total, currency),
        "currency": currency,
    }


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One per thread, kept across renders: building it is about 40 % of a render's time, and
    with no @font-face rules it holds nothing specific to a document."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def _render(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    document = HTML(string=html, url_fetcher=OfflineURLFetcher(), base_url="about:blank")
    return document.write_pdf(font_config=_font_config())


def invoice_pdf_render(*, invoice: Invoice) -> bytes:
    """The invoice as the customer receives it: letterhead, addresses, references, lines, tax
    per rate, totals, payment terms and bank details; page numbers in the footer."""
    customer, order, shipment, currency = invoice.customer, invoice.order, invoice.shipment, invoice.currency
    lines = list(invoice.lines.select_related("product").order_by("position"))
    payment_days = (invoice.due_date - invoice.issue_date).days
    facts = [
        ("Invoice no.", invoice.number),
        ("Issue date", document_date(invoice.issue_date)),
        ("Due date", document_date(invoice.due_date)),
        ("Customer no.", customer.code),
        ("Order no.", order.number),
    ]
    reference = invoice.customer_reference or order.customer_reference
    if reference:
        facts.append(("Your reference", reference))
    if shipment is not None:
        facts.append(("Shipment no.", shipment.number))
        if shipment.shipped_at:
            facts.append(("Delivery date", document_date(timezone.localdate(shipment.shipped_at))))
    context = {
        "title": "Invoice",
        "number": invoice.number,
        "company": _company(),
        "recipient": _recipient(customer=customer, billing_address=invoice.billing_address),
        "facts": facts,
        "rows": [
            _Row(
                position=line.position,
                description=line.description,
                sku=line.product.sku,
                quantity=_quantity(line.quantity),
                unit_price=document_amount(line.unit_price, currency),
                discount=_percent(line.discount_percent) if line.discount_percent else "",
                tax_rate=_percent(line.tax_rate),
                net=document_amount(line.net_amount, currency),
            )
            for line in lines
        ],
        "tax_summary": _tax_summary(lines, currency),
        "totals": _totals(invoice, currency),
        "payment_terms": (
            "Payable on receipt."
            if payment_days == 0
            else f"Payable within {payment_days} days, by {document_date(invoice.due_date)}."
        ),
        "order": order,
    }
    return _render("invoicing/pdf/invoice.html", context)


def credit_note_pdf_render(*, credit_note: CreditNote) -> bytes:
    """The credit note in the invoice's layout: which invoice it corrects, why, and the lines
    (or the amount per tax rate) credited."""
    invoice, customer, currency = credit_note.invoice, credit_note.customer, credit_note.currency
    lines = list(credit_note.lines.select_related("invoice_line__product").order_by("pk"))
    facts = [
        ("Credit note no.", credit_note.number),
        ("Issue date", document_date(credit_note.issue_date)),
        ("Invoice no.", invoice.number),
        ("Invoice date", document_date(invoice.issue_date)),
        ("Customer no.", customer.code),
        ("Order no.", invoice.order.number),
    ]
    if invoice.customer_reference:
        facts.append(("Your reference", invoice.customer_reference))
    rows = []
    for position, line in enumerate(lines, start=1):
        invoice_line = line.invoice_line
        rows.append(
            _Row(
                position=position,
                description=line.description,
                sku=invoice_line.product.sku if invoice_line else "",
                quantity=_quantity(line.quantity) if line.quantity is not None else "",
                unit_price=document_amount(invoice_line.unit_price, currency) if invoice_line else "",
                discount=_percent(invoice_line.discount_percent)
                if invoice_line and invoice_line.discount_percent
                else "",
                tax_rate=_percent(line.tax_rate),
                net=document_amount(line.net_amount, currency),
            )
        )
    context = {
        "title": "Credit note",
        "number": credit_note.number,
        "company": _company(),
        "recipient": _recipient(customer=customer, billing_address=invoice.billing_address),
        "facts": facts,
        "rows": rows,
        "tax_summary": _tax_summary(lines, currency),
        "totals": _totals(credit_note, currency),
        "invoice": invoice,
        "invoice_date": document_date(invoice.issue_date),
        "reason": credit_note.reason,
    }
    return _render("invoicing/pdf/credit_note.html", context)
