"""Invoice and credit-note PDFs: a Django template rendered by WeasyPrint on A4, fully offline.

Both are Factur-X (EN 16931) PDF/A-3b documents with their CII XML inside
(invoicing/einvoice/, decision 0058).

Rendering only: every figure printed is an amount stored on the document; the tax summary per
rate is the sum of the stored line amounts. Figures are formatted here (en-US grouping, the
currency's minor unit) so that the templates only lay them out. Formatting, the letterhead and
address blocks and the offline WeasyPrint render are the kernel's, shared with the statements
and dunning letters (o2c/documents.py, templates/o2c/pdf/).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from invoicing.einvoice.accounting import tax_currency
from invoicing.einvoice.cii import cii_xml
from invoicing.einvoice.facturx import facturx_pdf_options
from invoicing.einvoice.model import credit_note_edocument, invoice_edocument
from invoicing.models import CreditNote, Invoice
from ledger.rates.convert import is_base
from o2c.documents import (
    DocumentRow,
    OfflineURLFetcher,
    company_block,
    document_amount,
    document_date,
    document_percent,
    document_quantity,
    pdf_render,
    recipient_block,
    tax_summary,
)
from o2c.paylinks import pay_url

# The figures, the fetcher and the renderer are the kernel's (o2c/documents.py), shared with the
# statements and the dunning letters; their names here are kept for the code that imports them.
__all__ = [
    "OfflineURLFetcher",
    "credit_note_pdf_render",
    "document_amount",
    "document_date",
    "invoice_pdf_render",
]


_recipient = recipient_block  # its former name here (the tests call it)


def _totals(document, currency: str) -> dict:
    return {
        "net": document_amount(document.net_total, currency),
        "tax": document_amount(document.tax_total, currency),
        "total": document_amount(document.total, currency),
        "currency": currency,
    }


def _discount(invoice: Invoice) -> dict | None:
    """The cash discount offered (decision 0056): percent, amount, date and what to pay by then."""
    if not invoice.discount_amount or invoice.discount_due_date is None:
        return None
    return {
        "percent": document_percent(invoice.discount_percent),
        "amount": document_amount(invoice.discount_amount, invoice.currency),
        "date": document_date(invoice.discount_due_date),
        "pay": document_amount(invoice.total - invoice.discount_amount, invoice.currency),
    }


def _exchange_facts(invoice: Invoice) -> list[tuple[str, str]]:
    """A foreign-currency invoice states its rate and its VAT in the base currency, as the VAT
    Directive (art. 230) asks (decision 0062): the VAT the ledger posted (per tax rate), the same
    figure as the e-invoice's BT-111 and the VAT report."""
    if is_base(invoice.currency):
        return []
    base = settings.O2C_BASE_CURRENCY
    posted = tax_currency(invoice, source="invoice")["tax_total_base"]
    return [
        ("Exchange rate", f"1 {base} = {invoice.exchange_rate.normalize()} {invoice.currency}"),
        (f"VAT in {base}", document_amount(posted, base)),
    ]


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
    ]
    if order is not None:  # an opening invoice (imported) has no order
        facts.append(("Order no.", order.number))
    if invoice.previous_number:
        facts.append(("Previous no.", invoice.previous_number))
    reference = invoice.customer_reference or (order.customer_reference if order is not None else "")
    if reference:
        facts.append(("Your reference", reference))
    if shipment is not None:
        facts.append(("Shipment no.", shipment.number))
        if shipment.shipped_at:
            facts.append(("Delivery date", document_date(timezone.localdate(shipment.shipped_at))))
    facts += _exchange_facts(invoice)
    context = {
        "title": "Invoice",
        "number": invoice.number,
        "company": company_block(),
        "recipient": recipient_block(customer=customer, billing_address=invoice.billing_address),
        "facts": facts,
        "rows": [
            DocumentRow(
                position=line.position,
                description=line.description,
                sku=line.product.sku,
                quantity=document_quantity(line.quantity),
                unit_price=document_amount(line.unit_price, currency),
                discount=document_percent(line.discount_percent) if line.discount_percent else "",
                tax_rate=document_percent(line.tax_rate),
                net=document_amount(line.net_amount, currency),
            )
            for line in lines
        ],
        "tax_summary": tax_summary(lines, currency),
        "totals": _totals(invoice, currency),
        "payment_terms": (
            "Payable on receipt."
            if payment_days == 0
            else f"Payable within {payment_days} days, by {document_date(invoice.due_date)}."
        ),
        "discount": _discount(invoice),
        "pay_url": pay_url(invoice.pk) if invoice.total > 0 else "",  # pay-now (decision 0066)
        "order": order,
    }
    xml = cii_xml(invoice_edocument(invoice=invoice))
    return pdf_render(
        "invoicing/pdf/invoice.html",
        context,
        **facturx_pdf_options(xml=xml, description=f"Factur-X invoice {invoice.number}"),
    )


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
    ]
    if invoice.order is not None:
        facts.append(("Order no.", invoice.order.number))
    if invoice.customer_reference:
        facts.append(("Your reference", invoice.customer_reference))
    rows = []
    for position, line in enumerate(lines, start=1):
        invoice_line = line.invoice_line
        rows.append(
            DocumentRow(
                position=position,
                description=line.description,
                sku=invoice_line.product.sku if invoice_line else "",
                quantity=document_quantity(line.quantity) if line.quantity is not None else "",
                unit_price=document_amount(invoice_line.unit_price, currency) if invoice_line else "",
                discount=document_percent(invoice_line.discount_percent)
                if invoice_line and invoice_line.discount_percent
                else "",
                tax_rate=document_percent(line.tax_rate),
                net=document_amount(line.net_amount, currency),
            )
        )
    context = {
        "title": "Credit note",
        "number": credit_note.number,
        "company": company_block(),
        "recipient": recipient_block(customer=customer, billing_address=invoice.billing_address),
        "facts": facts,
        "rows": rows,
        "tax_summary": tax_summary(lines, currency),
        "totals": _totals(credit_note, currency),
        "invoice": invoice,
        "invoice_date": document_date(invoice.issue_date),
        "reason": credit_note.reason,
        "set_against": document_amount(credit_note.total - credit_note.amount_on_account, currency),
        "on_account": document_amount(credit_note.amount_on_account, currency)
        if credit_note.amount_on_account
        else "",
        "returns": sorted(rma.number for rma in credit_note.returns.all()),
    }
    xml = cii_xml(credit_note_edocument(credit_note=credit_note))
    return pdf_render(
        "invoicing/pdf/credit_note.html",
        context,
        **facturx_pdf_options(xml=xml, description=f"Factur-X credit note {credit_note.number}"),
    )
