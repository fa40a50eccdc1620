"""The document as a Peppol BIS Billing 3.0 UBL 2.1 Invoice (380) or CreditNote (381), the API's
`xml/?format=ubl`. Element order follows the UBL 2.1 XSD; the rules are EN 16931's and Peppol's
(the tests run the published Schematron of both)."""

from __future__ import annotations

from lxml import etree

from invoicing.einvoice.model import CREDIT_NOTE, EDocument, Line, Party
from invoicing.einvoice.xml import amount, number, serialise, sub

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _b(tag: str) -> str:
    return f"{{{CBC}}}{tag}"


def _a(tag: str) -> str:
    return f"{{{CAC}}}{tag}"


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    element = sub(sub(parent, _a(tag)), _a("Party"))
    if party.endpoint_id:
        sub(element, _b("EndpointID"), party.endpoint_id, schemeID=party.endpoint_scheme)
    sub(sub(element, _a("PartyName")), _b("Name"), party.name)
    address = sub(element, _a("PostalAddress"))
    for tag_name, line in zip(("StreetName", "AdditionalStreetName"), party.address.lines, strict=False):
        sub(address, _b(tag_name), line)
    if party.address.city:
        sub(address, _b("CityName"), party.address.city)
    if party.address.postcode:
        sub(address, _b("PostalZone"), party.address.postcode)
    sub(sub(address, _a("Country")), _b("IdentificationCode"), party.address.country)
    if party.vat_number:
        scheme = sub(element, _a("PartyTaxScheme"))
        sub(scheme, _b("CompanyID"), party.vat_number)
        sub(sub(scheme, _a("TaxScheme")), _b("ID"), "VAT")
    sub(sub(element, _a("PartyLegalEntity")), _b("RegistrationName"), party.name)
    if party.email:
        sub(sub(element, _a("Contact")), _b("ElectronicMail"), party.email)


def _tax_category(parent: etree._Element, tag: str, category: str, rate, reason_code="", reason="") -> None:
    element = sub(parent, _a(tag))
    sub(element, _b("ID"), category)
    sub(element, _b("Percent"), number(rate))
    if reason_code:
        sub(element, _b("TaxExemptionReasonCode"), reason_code)
    if reason:
        sub(element, _b("TaxExemptionReason"), reason)
    sub(sub(element, _a("TaxScheme")), _b("ID"), "VAT")


def _line(parent: etree._Element, line: Line, *, credit: bool, currency: str) -> None:
    element = sub(parent, _a("CreditNoteLine" if credit else "InvoiceLine"))
    sub(element, _b("ID"), line.id)
    sub(
        element,
        _b("CreditedQuantity" if credit else "InvoicedQuantity"),
        number(line.quantity),
        unitCode="C62",
    )
    sub(element, _b("LineExtensionAmount"), amount(line.net), currencyID=currency)
    for adjustment in line.adjustments:
        allowance = sub(element, _a("AllowanceCharge"))
        sub(allowance, _b("ChargeIndicator"), "true" if adjustment.charge else "false")
        if adjustment.reason_code:
            sub(allowance, _b("AllowanceChargeReasonCode"), adjustment.reason_code)
        sub(allowance, _b("AllowanceChargeReason"), adjustment.reason)
        if adjustment.percent is not None:
            sub(allowance, _b("MultiplierFactorNumeric"), number(adjustment.percent))
        sub(allowance, _b("Amount"), amount(adjustment.amount), currencyID=currency)
        if adjustment.base is not None:
            sub(allowance, _b("BaseAmount"), amount(adjustment.base), currencyID=currency)
    item = sub(element, _a("Item"))
    sub(item, _b("Name"), line.name)
    if line.sku:
        sub(sub(item, _a("SellersItemIdentification")), _b("ID"), line.sku)
    _tax_category(item, "ClassifiedTaxCategory", line.category, line.rate)
    price = sub(element, _a("Price"))
    sub(price, _b("PriceAmount"), number(line.price), currencyID=currency)
    if line.base_quantity is not None:
        sub(price, _b("BaseQuantity"), number(line.base_quantity), unitCode="C62")


def ubl_xml(document: EDocument) -> bytes:
    """The Peppol BIS Billing 3.0 UBL XML of `document`, UTF-8."""
    credit = document.type_code == CREDIT_NOTE
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, "cac": CAC, "cbc": CBC},
    )
    currency = document.currency
    sub(root, _b("CustomizationID"), CUSTOMIZATION)
    sub(root, _b("ProfileID"), PROFILE)
    sub(root, _b("ID"), document.number)
    sub(root, _b("IssueDate"), document.issue_date.isoformat())
    if document.due_date and not credit:
        sub(root, _b("DueDate"), document.due_date.isoformat())
    sub(root, _b("CreditNoteTypeCode" if credit else "InvoiceTypeCode"), document.type_code)
    if document.note:
        sub(root, _b("Note"), document.note)
    sub(root, _b("DocumentCurrencyCode"), currency)
    if document.tax_currency:  # BT-6
        sub(root, _b("TaxCurrencyCode"), document.tax_currency)
    sub(root, _b("BuyerReference"), document.buyer_reference)
    if document.order_reference:
        sub(sub(root, _a("OrderReference")), _b("ID"), document.order_reference)
    if document.invoice_reference:
        reference = sub(sub(root, _a("BillingReference")), _a("InvoiceDocumentReference"))
        sub(reference, _b("ID"), document.invoice_reference)
        if document.invoice_reference_date:
            sub(reference, _b("IssueDate"), document.invoice_reference_date.isoformat())
    _party(root, "AccountingSupplierParty", document.seller)
    _party(root, "AccountingCustomerParty", document.buyer)
    if document.iban:
        means = sub(root, _a("PaymentMeans"))
        sub(means, _b("PaymentMeansCode"), "58", name="SEPA credit transfer")
        if document.payment_reference:
            sub(means, _b("PaymentID"), document.payment_reference)
        account = sub(means, _a("PayeeFinancialAccount"))
        sub(account, _b("ID"), document.iban)
        if document.bic:
            sub(sub(account, _a("FinancialInstitutionBranch")), _b("ID"), document.bic)
    if document.payment_terms:
        sub(sub(root, _a("PaymentTerms")), _b("Note"), document.payment_terms)
    tax_total = sub(root, _a("TaxTotal"))
    sub(tax_total, _b("TaxAmount"), amount(document.tax_total), currencyID=currency)
    for row in document.tax_rows:
        subtotal = sub(tax_total, _a("TaxSubtotal"))
        sub(subtotal, _b("TaxableAmount"), amount(row.basis), currencyID=currency)
        sub(subtotal, _b("TaxAmount"), amount(row.tax), currencyID=currency)
        _tax_category(
            subtotal, "TaxCategory", row.category, row.rate, row.exemption_code, row.exemption_reason
        )
    if document.tax_currency and document.tax_total_base is not None:
        # BT-111: a second tax total in the VAT accounting currency, without subtotals (BR-53,
        # PEPPOL-EN16931-R053, R054; R005: only when it differs from the document currency)
        base_total = sub(root, _a("TaxTotal"))
        sub(base_total, _b("TaxAmount"), amount(document.tax_total_base), currencyID=document.tax_currency)
    totals = sub(root, _a("LegalMonetaryTotal"))
    line_total = sum((line.net for line in document.lines), document.allowance_total)
    sub(totals, _b("LineExtensionAmount"), amount(line_total), currencyID=currency)
    sub(totals, _b("TaxExclusiveAmount"), amount(document.net_total), currencyID=currency)
    sub(totals, _b("TaxInclusiveAmount"), amount(document.total), currencyID=currency)
    sub(totals, _b("PayableAmount"), amount(document.total), currencyID=currency)
    for line in document.lines:
        _line(root, line, credit=credit, currency=currency)
    return serialise(root)
