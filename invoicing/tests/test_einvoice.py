"""E-invoices (decision 0058): the Factur-X CII XML inside the PDFs and the Peppol BIS Billing 3.0
UBL of the API, validated by the official XSDs and Schematron (einvoice_checks.py), with every
amount reconciled by hand.

The invoice is test_documents' shipped order: 2 machines at 1,290.00 less 5 % (19 %), 24 kg of
beans at 18.90 (7 %) and 3.5 hours of installation at 95.00 (19 %)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from invoicing.documents import credit_note_pdf_render, invoice_pdf_render
from invoicing.einvoice.cii import cii_xml
from invoicing.einvoice.model import credit_note_edocument, invoice_edocument
from invoicing.einvoice.ubl import ubl_xml
from invoicing.services import CreditLineInput
from invoicing.tests import einvoice_checks as checks
from invoicing.tests.test_documents import shipped_invoice
from o2c import pipeline
from tests.builders import a_customer

CII = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
       "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}  # fmt: skip
UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}  # fmt: skip


def texts(xml: bytes, path: str, namespaces: dict) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=namespaces)]


def credit_one_machine(invoice):
    machine = invoice.lines.get(position=1)
    return pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="One machine arrived damaged",
        lines=[CreditLineInput(invoice_line_id=machine.pk, quantity=Decimal(1))],
        by=None,
    )


@pytest.mark.django_db
def test_an_invoice_with_two_rates_and_a_line_discount_is_valid_cii_and_ubl_and_reconciles():
    invoice = shipped_invoice()
    document = invoice_edocument(invoice=invoice)
    cii, ubl = cii_xml(document), ubl_xml(document)

    assert checks.cii_errors(cii) == []
    assert checks.ubl_errors(ubl) == []

    # 2 × 1,290.00 = 2,580.00 less 5 % = 129.00 → 2,451.00; 24 × 18.90 = 453.60; 3.5 × 95.00 = 332.50
    assert texts(cii, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount/text()", CII) == [
        "2451.00", "453.60", "332.50"]  # fmt: skip
    allowance = "//ram:SpecifiedTradeAllowanceCharge/ram:{}/text()"
    assert [texts(cii, allowance.format(tag), CII) for tag in ("CalculationPercent", "BasisAmount", "ActualAmount")] == [
        ["5"], ["2580.00"], ["129.00"]]  # fmt: skip
    # per rate: 19 %: 2,451.00 + 332.50 = 2,783.50, tax 465.69 + 63.18 = 528.87; 7 %: 453.60, 31.75
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:{}/text()"
    assert [texts(cii, tax.format(tag), CII) for tag in ("RateApplicablePercent", "BasisAmount", "CalculatedAmount")] == [
        ["19", "7"], ["2783.50", "453.60"], ["528.87", "31.75"]]  # fmt: skip
    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{}/text()"
    assert [texts(cii, totals.format(tag), CII)[0] for tag in
            ("LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount", "DuePayableAmount")] == [
        "3237.10", "3237.10", "560.62", "3797.72", "3797.72"]  # fmt: skip
    assert texts(cii, "//rsm:ExchangedDocument/ram:TypeCode/text()", CII) == ["380"]
    assert texts(cii, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()", CII) == [
        "DE89370400440532013000"
    ]

    monetary = "//cac:LegalMonetaryTotal/cbc:{}/text()"
    assert [texts(ubl, monetary.format(tag), UBL)[0] for tag in
            ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount")] == [
        "3237.10", "3237.10", "3797.72", "3797.72"]  # fmt: skip
    assert texts(ubl, "//cac:TaxSubtotal/cbc:TaxableAmount/text()", UBL) == ["2783.50", "453.60"]
    assert texts(ubl, "//cac:InvoiceLine/cac:AllowanceCharge/cbc:Amount/text()", UBL) == ["129.00"]
    assert texts(ubl, "//cac:AccountingCustomerParty//cbc:EndpointID/@schemeID", UBL) == ["9914"]  # ATU… VAT
    assert texts(ubl, "//cbc:BuyerReference/text()", UBL) == ["PO-4711"]


@pytest.mark.django_db
def test_a_credit_note_is_cii_type_381_and_a_ubl_credit_note_referring_to_its_invoice():
    invoice = shipped_invoice()
    note = credit_one_machine(invoice)
    document = credit_note_edocument(credit_note=note)
    cii, ubl = cii_xml(document), ubl_xml(document)

    assert checks.cii_errors(cii) == []
    assert checks.ubl_errors(ubl) == []
    assert texts(cii, "//rsm:ExchangedDocument/ram:TypeCode/text()", CII) == ["381"]
    assert texts(cii, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", CII) == [invoice.number]
    assert etree.QName(etree.fromstring(ubl)).localname == "CreditNote"
    assert texts(ubl, "//cbc:CreditNoteTypeCode/text()", UBL) == ["381"]
    assert texts(ubl, "//cac:InvoiceDocumentReference/cbc:ID/text()", UBL) == [invoice.number]
    # one machine of 2,451.00 for two: 1,225.50 net, 232.85 tax (19 %), 1,458.35 gross
    assert (note.net_total, note.tax_total, note.total) == (
        Decimal("1225.50"),
        Decimal("232.85"),
        Decimal("1458.35"),
    )
    assert texts(ubl, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()", UBL) == ["1458.35"]
    assert texts(cii, "//ram:GrandTotalAmount/text()", CII) == ["1458.35"]


def test_the_checks_refuse_what_does_not_reconcile_and_pass_peppols_own_examples():
    """The validator itself: Peppol's published examples pass; a total changed by a cent, or a
    missing electronic address, fails with the rule's id."""
    example = (checks.RULES / "peppol-base-example.xml").read_bytes()
    assert checks.ubl_errors(example) == []
    assert checks.ubl_errors((checks.RULES / "peppol-base-creditnote-correction.xml").read_bytes()) == []

    tree = etree.fromstring(example)
    payable = tree.find(".//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", UBL)
    payable.text = str(Decimal(payable.text) + Decimal("0.01"))
    assert "BR-CO-15" in {rule for _, rule, _ in checks.ubl_errors(etree.tostring(tree))}

    tree = etree.fromstring(example)
    endpoint = tree.find(".//cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", UBL)
    endpoint.getparent().remove(endpoint)
    assert "PEPPOL-EN16931-R010" in {rule for _, rule, _ in checks.ubl_errors(etree.tostring(tree))}


@pytest.mark.django_db
def test_the_invoice_and_credit_note_pdfs_are_factur_x_with_the_xml_inside():
    invoice = shipped_invoice()
    pdf = invoice_pdf_render(invoice=invoice)

    filename, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == cii_xml(invoice_edocument(invoice=invoice))
    catalog = PdfReader(BytesIO(pdf)).trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp  # PDF/A-3b
    assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    # WeasyPrint lists the one file spec twice in /AF (from the name tree and the objects)
    [filespec] = {spec.idnum: spec.get_object() for spec in catalog["/AF"]}.values()
    assert (filespec["/F"], filespec["/AFRelationship"]) == ("factur-x.xml", "/Data")
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"

    note = credit_one_machine(invoice)
    filename, xml = get_xml_from_pdf(credit_note_pdf_render(credit_note=note), check_xsd=True)
    assert texts(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()", CII) == ["381"]


@pytest.mark.django_db
def test_a_reverse_charge_invoice_to_a_tax_exempt_eu_customer_is_valid_with_category_ae():
    customer = a_customer(
        name="Wiener Kaffeehaus GmbH",
        billing_address="Graben 21\n1010 Wien\nÖsterreich",
        vat_number="ATU13585627",
        tax_exempt=True,
        peppol_id="9914:ATU13585627",
    )
    invoice = shipped_invoice(customer=customer)
    document = invoice_edocument(invoice=invoice)
    cii, ubl = cii_xml(document), ubl_xml(document)

    assert checks.cii_errors(cii) == []
    assert checks.ubl_errors(ubl) == []
    assert texts(ubl, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()", UBL) == ["AE"]
    assert texts(ubl, "//cac:TaxSubtotal/cbc:TaxableAmount/text()", UBL) == ["3237.10"]
    assert texts(ubl, "//cac:TaxTotal/cbc:TaxAmount/text()", UBL) == ["0.00"]
    assert texts(ubl, "//cac:AccountingCustomerParty//cbc:IdentificationCode/text()", UBL) == ["AT"]
