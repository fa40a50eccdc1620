"""The EN 16931 semantic model of an invoice or a credit note, read from the stored document.

Every amount is a stored amount or a sum of them, so the XML reconciles exactly (BR-CO-10 to
BR-CO-16): the lines' net amounts add up to the document's net total, the VAT breakdown per
category and rate sums the lines' stored net and tax, and the totals are the document's own.

A line's net amount is what the order line charged (its discount included, rounded once); the
XML states the gross (quantity × unit price, rounded) and a line allowance for the difference:
the discount (reason code 95), or, when a partial invoice's share was rounded, a cent of
rounding. So quantity × price − allowances = net holds for every line (PEPPOL-EN16931-R120).
A credit-note line states its credited net as the price of its quantity (BT-149 base quantity),
exact by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel import Locale
from django.conf import settings
from stdnum import iban as stdnum_iban

from customers.einvoice import VAT_SCHEMES
from invoicing.einvoice.accounting import tax_currency as _tax_currency
from invoicing.models import CreditNote, Invoice
from o2c.documents import address_lines_of
from o2c.money import ZERO, round_money

INVOICE = "380"  # UNTDID 1001: commercial invoice
CREDIT_NOTE = "381"  # credit note
UNIT = "C62"  # UN/ECE rec. 20: one (a piece)
DISCOUNT_REASON = "95"  # UNTDID 5189: discount


@dataclass(frozen=True)
class Address:
    lines: list[str]  # street and further lines (at most two used)
    postcode: str
    city: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Party:
    name: str
    address: Address
    vat_number: str
    endpoint_scheme: str  # Peppol EAS code, "" when the party has no electronic address
    endpoint_id: str
    email: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A line allowance (or charge) of BG-27/BG-28."""

    charge: bool
    amount: Decimal
    base: Decimal | None
    percent: Decimal | None
    reason: str
    reason_code: str


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    sku: str
    quantity: Decimal
    price: Decimal  # item net price (BT-146)
    base_quantity: Decimal | None  # BT-149, when the price is for more than one unit
    net: Decimal  # BT-131
    category: str
    rate: Decimal
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass(frozen=True)
class TaxRow:
    category: str
    rate: Decimal
    basis: Decimal
    tax: Decimal
    exemption_reason: str
    exemption_code: str


@dataclass(frozen=True)
class EDocument:
    type_code: str  # 380 or 381
    number: str
    issue_date: date
    currency: str
    buyer_reference: str  # BT-10 (the customer's reference, else its customer number)
    order_reference: str  # BT-13
    note: str
    seller: Party
    buyer: Party
    lines: list[Line]
    tax_rows: list[TaxRow]
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    due_date: date | None
    payment_terms: str
    payment_reference: str
    iban: str
    bic: str
    invoice_reference: str = ""  # a credit note's invoice (BT-25) and its date (BT-26)
    invoice_reference_date: date | None = None
    # in a foreign currency: the VAT accounting currency (BT-6) and the VAT in it (BT-111)
    tax_currency: str = ""
    tax_total_base: Decimal | None = None

    @property
    def allowance_total(self) -> Decimal:  # no document-level allowances: always zero
        return ZERO


# --- Parties ------------------------------------------------------------------------------------

_POSTCODE_CITY = re.compile(r"^(?:[A-Z]{1,2}-)?([0-9]{4,6}|[A-Z0-9]{2,4} ?[0-9][A-Z]{2})\s+(.+)$")


def _country_code(name: str) -> str:
    """The ISO code of a country written out in English or German (the last address line)."""
    wanted = name.strip().casefold()
    for locale in ("en", "de"):
        for code, territory in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and territory.casefold() == wanted:
                return code
    return ""


def postal_address(text: str, *, country: str, fallback_country: str) -> Address:
    """The structured address of a printed one: the postcode-and-city line, the street lines
    before it, the country from `country`, else a last line naming a country, else the fallback."""
    lines = address_lines_of(text)
    named = _country_code(lines[-1]) if lines else ""
    if named:
        lines = lines[:-1]
    postcode, city, street = "", "", lines
    for index, line in enumerate(lines):
        match = _POSTCODE_CITY.match(line)
        if match:
            # the street is the line above the postcode, the line above it the additional one
            postcode, city, street = match.group(1), match.group(2), lines[:index][::-1]
            break
    else:
        if len(lines) > 1:
            city, street = lines[-1], lines[:-1]
    return Address(
        lines=street[:2], postcode=postcode, city=city, country=country or named or fallback_country
    )


def _endpoint(vat_number: str) -> tuple[str, str]:
    scheme = VAT_SCHEMES.get(vat_number[:2].upper(), "") if vat_number else ""
    return (scheme, vat_number) if scheme else ("", "")


def _bank() -> tuple[str, str]:
    """IBAN and BIC of the company's bank line (O2C_COMPANY_BANK: "IBAN DE89 … · BIC COBA…")."""
    text = settings.O2C_COMPANY_BANK or ""
    iban_match = re.search(r"\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})", text)
    iban = stdnum_iban.compact(iban_match.group(1)) if iban_match else ""
    if iban and not stdnum_iban.is_valid(iban):
        iban = ""
    bic_match = re.search(r"\bBIC:? *([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b", text)
    return iban, bic_match.group(1) if bic_match else ""


def seller() -> Party:
    """The company, from settings: O2C_COMPANY_NAME, _ADDRESS, _COUNTRY, _VAT_NUMBER and
    _PEPPOL_ID (else its VAT number under its country's EAS scheme)."""
    vat_number = settings.O2C_COMPANY_VAT_NUMBER
    country = settings.O2C_COMPANY_COUNTRY or vat_number[:2]
    scheme, identifier = _endpoint(vat_number)
    if settings.O2C_COMPANY_PEPPOL_ID:
        scheme, _, identifier = settings.O2C_COMPANY_PEPPOL_ID.partition(":")
    return Party(
        name=settings.O2C_COMPANY_NAME,
        address=postal_address(settings.O2C_COMPANY_ADDRESS, country=country, fallback_country=country),
        vat_number=vat_number,
        endpoint_scheme=scheme,
        endpoint_id=identifier,
        email=settings.DEFAULT_FROM_EMAIL,
    )


def buyer(customer, *, billing_address: str, seller_country: str) -> Party:
    vat_number = customer.vat_number or ""
    country = customer.country or (vat_number[:2].replace("EL", "GR") if vat_number[:2].isalpha() else "")
    if customer.peppol_id:
        scheme, _, identifier = customer.peppol_id.partition(":")
    else:
        scheme, identifier = _endpoint(vat_number)
    address_text = billing_address or customer.billing_address
    lines = address_lines_of(address_text)
    if lines and lines[0] == customer.name:
        address_text = "\n".join(lines[1:])
    return Party(
        name=customer.name,
        address=postal_address(address_text, country=country, fallback_country=seller_country),
        vat_number=vat_number,
        endpoint_scheme=scheme,
        endpoint_id=identifier,
        email=customer.email,
    )


# --- Tax ----------------------------------------------------------------------------------------


def _category(rate: Decimal, customer, seller_country: str) -> str:
    """S: standard rate; AE: reverse charge (a tax-exempt customer with a VAT number of another
    country); E: exempt; Z: zero rated."""
    if rate > 0:
        return "S"
    if customer.tax_exempt:
        vat_country = (customer.vat_number or "")[:2]
        return "AE" if vat_country.isalpha() and vat_country != seller_country else "E"
    return "Z"


_EXEMPTIONS = {
    "AE": ("Reverse charge", "VATEX-EU-AE"),
    "E": ("Exempt from VAT", ""),
}


def _tax_rows(lines: list[Line], taxes: list[Decimal]) -> list[TaxRow]:
    rows: dict[tuple[str, Decimal], list[Decimal]] = {}
    for line, tax in zip(lines, taxes, strict=True):
        row = rows.setdefault((line.category, line.rate), [ZERO, ZERO])
        row[0] += line.net
        row[1] += tax
    return [
        TaxRow(
            category=category,
            rate=rate,
            basis=basis,
            tax=tax,
            exemption_reason=_EXEMPTIONS.get(category, ("", ""))[0],
            exemption_code=_EXEMPTIONS.get(category, ("", ""))[1],
        )
        for (category, rate), (basis, tax) in sorted(rows.items(), key=lambda item: -item[0][1])
    ]


# --- Documents ----------------------------------------------------------------------------------


def _invoice_line(line, *, currency: str, category: str) -> Line:
    gross = round_money(line.quantity * line.unit_price, currency)
    difference = gross - line.net_amount
    adjustments = []
    percent_exact = round_money(gross * line.discount_percent / 100, currency) == difference
    if difference and line.discount_percent:
        adjustments.append(
            Adjustment(
                charge=difference < 0,
                amount=abs(difference),
                # base and percent only where they give the amount (PEPPOL-EN16931-R041)
                base=gross if difference > 0 and percent_exact else None,
                percent=line.discount_percent if difference > 0 and percent_exact else None,
                reason=f"Discount {line.discount_percent.normalize():f} %" if difference > 0 else "Rounding",
                reason_code=DISCOUNT_REASON if difference > 0 else "",
            )
        )
    elif difference:  # a partial invoice's rounded share
        adjustments.append(
            Adjustment(charge=difference < 0, amount=abs(difference), base=None, percent=None,
                       reason="Rounding", reason_code="")
        )  # fmt: skip
    return Line(
        id=str(line.position),
        name=line.description,
        sku=line.product.sku,
        quantity=line.quantity,
        price=line.unit_price,
        base_quantity=None,
        net=line.net_amount,
        category=category,
        rate=line.tax_rate,
        adjustments=adjustments,
    )


def _terms(*, issue_date: date, due_date: date, total: Decimal, currency: str, discount=None) -> str:
    days = (due_date - issue_date).days
    text = (
        f"Net {days} days, due {due_date.isoformat()}" if days else f"Due on receipt, {due_date.isoformat()}"
    )
    if discount is not None:
        amount, until = discount
        text = f"{amount} {currency} cash discount if paid by {until.isoformat()}; " + text
    return text


def invoice_edocument(*, invoice: Invoice) -> EDocument:
    """The invoice (its customer, order and lines with their products read here, in 2 queries
    when the invoice comes with its customer and order)."""
    customer = invoice.customer
    the_seller = seller()
    country = the_seller.address.country
    stored = list(invoice.lines.select_related("product").order_by("position"))
    lines = [
        _invoice_line(line, currency=invoice.currency, category=_category(line.tax_rate, customer, country))
        for line in stored
    ]
    discount = None
    discount_amount = getattr(invoice, "discount_amount", None)  # cash discounts, when present
    if discount_amount and getattr(invoice, "discount_due_date", None):
        discount = (discount_amount, invoice.discount_due_date)
    iban, bic = _bank()
    return EDocument(
        type_code=INVOICE,
        number=invoice.number,
        issue_date=invoice.issue_date,
        currency=invoice.currency,
        buyer_reference=invoice.customer_reference or customer.code,
        order_reference=invoice.customer_reference,
        note=f"Order {invoice.order.number}" if invoice.order_id else "",
        seller=the_seller,
        buyer=buyer(customer, billing_address=invoice.billing_address, seller_country=country),
        lines=lines,
        tax_rows=_tax_rows(lines, [line.tax_amount for line in stored]),
        net_total=invoice.net_total,
        tax_total=invoice.tax_total,
        total=invoice.total,
        due_date=invoice.due_date,
        payment_terms=_terms(
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            total=invoice.total,
            currency=invoice.currency,
            discount=discount,
        ),
        payment_reference=invoice.number,
        iban=iban,
        bic=bic,
        **_tax_currency(invoice, source="invoice"),
    )


def credit_note_edocument(*, credit_note: CreditNote) -> EDocument:
    customer = credit_note.customer
    invoice = credit_note.invoice
    the_seller = seller()
    country = the_seller.address.country
    stored = list(credit_note.lines.select_related("invoice_line__product").order_by("pk"))
    lines = []
    for index, line in enumerate(stored, start=1):
        quantity = line.quantity or Decimal(1)
        lines.append(
            Line(
                id=str(index),
                name=line.description,
                sku=line.invoice_line.product.sku if line.invoice_line else "",
                quantity=quantity,
                price=line.net_amount,
                base_quantity=quantity if quantity != 1 else None,
                net=line.net_amount,
                category=_category(line.tax_rate, customer, country),
                rate=line.tax_rate,
            )
        )
    return EDocument(
        type_code=CREDIT_NOTE,
        number=credit_note.number,
        issue_date=credit_note.issue_date,
        currency=credit_note.currency,
        buyer_reference=invoice.customer_reference or customer.code,
        order_reference="",
        note=credit_note.reason,
        seller=the_seller,
        buyer=buyer(customer, billing_address=invoice.billing_address, seller_country=country),
        lines=lines,
        tax_rows=_tax_rows(lines, [line.tax_amount for line in stored]),
        net_total=credit_note.net_total,
        tax_total=credit_note.tax_total,
        total=credit_note.total,
        due_date=None,
        payment_terms="",
        payment_reference=invoice.number,
        iban="",
        bic="",
        invoice_reference=invoice.number,
        invoice_reference_date=invoice.issue_date,
        **_tax_currency(credit_note, source="credit_note"),
    )
