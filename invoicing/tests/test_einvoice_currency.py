"""E-invoices of documents in a foreign currency (decisions 0058, 0062): the VAT accounting
currency BT-6 (the base currency, EUR) and the VAT in it BT-111, which is what the ledger posted.

test_einvoice's shipped order billed in USD at 1.10 USD per EUR (tax per rate worked there):
  19 %: 528.87 USD / 1.10 = 480.7909… → 480.79 EUR; 7 %: 31.75 / 1.10 = 28.8636… → 28.86 EUR;
  BT-111 = 480.79 + 28.86 = 509.65 EUR (revenue 3,237.10 / 1.10 → 2,942.82; receivables
  3,797.72 / 1.10 → 3,452.47 = 2,942.82 + 480.79 + 28.86: no rounding residual).
The credit note for one machine: 232.85 USD tax at 19 % / 1.10 = 211.6818… → 211.68 EUR
  (its total 1,458.35 USD takes 3,452.47 × 1,458.35 / 3,797.72 = 1,325.77 EUR of the invoice's
  base, = 211.68 + revenue 1,225.50 / 1.10 → 1,114.09).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from lxml import etree

from invoicing.einvoice.cii import cii_xml
from invoicing.einvoice.model import credit_note_edocument, invoice_edocument
from invoicing.einvoice.ubl import ubl_xml
from invoicing.tests import einvoice_checks as checks
from invoicing.tests.test_documents import LONG_ADDRESS, shipped_invoice
from invoicing.tests.test_einvoice import CII, UBL, credit_one_machine, texts
from ledger.models import JournalLine
from ledger.rates.services import exchange_rate_set
from tests.builders import a_customer

pytestmark = pytest.mark.django_db


def usd_shipped_invoice():
    exchange_rate_set(currency="USD", rate="1.10", valid_on=timezone.localdate())
    customer = a_customer(
        name="Evergreen Hotels & Resorts AG",
        billing_address=LONG_ADDRESS,
        payment_terms_days=30,
        vat_number="ATU13585627",
        currency="USD",
        credit_limit=None,
    )
    return shipped_invoice(customer=customer)


def vat_posted(reference: str) -> Decimal:
    lines = JournalLine.objects.filter(entry__source_reference=reference, account__key="vat_payable")
    totals = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["debit"] or Decimal(0)) + (totals["credit"] or Decimal(0))


def assert_tax_currency(cii: bytes, ubl: bytes, *, currency_tax: str, base_tax: str) -> None:
    """BT-6 and BT-111 in both syntaxes: CII's TaxCurrencyCode before the invoice currency and a
    second TaxTotalAmount; UBL's TaxCurrencyCode and a second TaxTotal with no subtotals."""
    settlement = "//ram:ApplicableHeaderTradeSettlement/"
    assert texts(cii, settlement + "ram:TaxCurrencyCode/text()", CII) == ["EUR"]
    assert texts(cii, settlement + "ram:InvoiceCurrencyCode/text()", CII) == ["USD"]
    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
    assert texts(cii, totals + "/text()", CII) == [currency_tax, base_tax]
    assert texts(cii, totals + "/@currencyID", CII) == ["USD", "EUR"]

    assert texts(ubl, "/*/cbc:DocumentCurrencyCode/text()", UBL) == ["USD"]
    assert texts(ubl, "/*/cbc:TaxCurrencyCode/text()", UBL) == ["EUR"]
    assert texts(ubl, "/*/cac:TaxTotal/cbc:TaxAmount/text()", UBL) == [currency_tax, base_tax]
    assert texts(ubl, "/*/cac:TaxTotal/cbc:TaxAmount/@currencyID", UBL) == ["USD", "EUR"]
    assert texts(ubl, "/*/cac:TaxTotal[2]/cac:TaxSubtotal", UBL) == []


def test_a_usd_invoice_with_two_rates_states_its_vat_in_eur_as_posted_and_is_valid():
    invoice = usd_shipped_invoice()
    assert (invoice.currency, invoice.tax_total, invoice.total_base) == (
        "USD", Decimal("560.62"), Decimal("3452.47"))  # fmt: skip
    document = invoice_edocument(invoice=invoice)
    cii, ubl = cii_xml(document), ubl_xml(document)

    assert checks.cii_errors(cii) == []
    assert checks.ubl_errors(ubl) == []
    assert_tax_currency(cii, ubl, currency_tax="560.62", base_tax="509.65")
    assert vat_posted(invoice.number) == Decimal("509.65")
    # the document-currency breakdown is unchanged
    assert texts(ubl, "//cac:TaxSubtotal/cbc:TaxAmount/text()", UBL) == ["528.87", "31.75"]

    # the rules see it: without BT-111 the UBL breaks BR-53
    tree = etree.fromstring(ubl)
    tree.remove(tree.findall("cac:TaxTotal", UBL)[1])
    assert "BR-53" in {rule for _, rule, _ in checks.ubl_errors(etree.tostring(tree))}


def test_a_usd_credit_note_states_its_vat_in_eur_as_posted_and_is_valid():
    invoice = usd_shipped_invoice()
    note = credit_one_machine(invoice)
    assert (note.tax_total, note.total_base) == (Decimal("232.85"), Decimal("1325.77"))
    document = credit_note_edocument(credit_note=note)
    cii, ubl = cii_xml(document), ubl_xml(document)

    assert checks.cii_errors(cii) == []
    assert checks.ubl_errors(ubl) == []
    assert_tax_currency(cii, ubl, currency_tax="232.85", base_tax="211.68")
    assert vat_posted(note.number) == Decimal("211.68")
    assert etree.QName(etree.fromstring(ubl)).localname == "CreditNote"


def test_a_base_currency_invoice_has_no_tax_currency():
    invoice = shipped_invoice()
    document = invoice_edocument(invoice=invoice)
    cii, ubl = cii_xml(document), ubl_xml(document)
    assert texts(cii, "//ram:TaxCurrencyCode", CII) == []
    assert texts(cii, "//ram:TaxTotalAmount/text()", CII) == ["560.62"]
    assert texts(ubl, "//cbc:TaxCurrencyCode", UBL) == []
    assert texts(ubl, "/*/cac:TaxTotal/cbc:TaxAmount/text()", UBL) == ["560.62"]
