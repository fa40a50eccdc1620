"""A customer's electronic address for e-invoices (decision 0058): its Peppol participant id and the
format its invoice e-mail carries.

The participant id is written `scheme:identifier`, the scheme an ISO 6523 ICD code of the Peppol
Electronic Address Scheme list (EAS), e.g. `0088:4035811991021` (a GLN) or `9930:DE811907980`
(a German VAT number). The list and the identifier checks are those of Peppol BIS Billing 3.0
(rules/sch/PEPPOL-EN16931-UBL.sch, release 3.0.19: the `eaid` list, PEPPOL-COMMON-R040 for GLN,
R049 for Swedish, R043 for Belgian and R042 for Danish numbers).
"""

from __future__ import annotations

import re

from customers.errors import CustomerErrorCode
from o2c.errors import DomainError, KernelErrorCode

# The format the invoice e-mail attaches: the PDF (which is a Factur-X PDF/A-3 with its EN 16931
# XML inside), the same PDF announced as a Factur-X e-invoice, or the Peppol UBL XML with the PDF.
INVOICE_FORMATS = [
    ("pdf", "PDF"),
    ("facturx", "Factur-X (PDF with the EN 16931 XML inside)"),
    ("ubl", "Peppol UBL XML (with the PDF)"),
]

# Peppol EAS code list (BIS Billing 3.0, release 3.0.19).
_EAS = """0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 0177
    0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205 0208
    0209 0210 0211 0212 0213 0215 0216 0217 0218 0221 0225 0230 0235 0240 9910 9913 9914 9915 9918
    9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938
    9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959"""
EAS_SCHEMES = frozenset(_EAS.split())
# The VAT-number schemes of the EAS list by country: a customer with a VAT number but no
# participant id is addressed by it (9930:DE…); the same schemes identify the seller.
VAT_SCHEMES = {
    "AD": "9922", "AL": "9923", "BA": "9924", "BE": "9925", "BG": "9926", "CH": "9927",
    "CY": "9928", "CZ": "9929", "DE": "9930", "EE": "9931", "GB": "9932", "GR": "9933",
    "EL": "9933", "HR": "9934", "IE": "9935", "LI": "9936", "LT": "9937", "LU": "9938",
    "LV": "9939", "MC": "9940", "ME": "9941", "MK": "9942", "MT": "9943", "NL": "9944",
    "PL": "9945", "PT": "9946", "RO": "9947", "RS": "9948", "SI": "9949", "SK": "9950",
    "SM": "9951", "TR": "9952", "VA": "9953", "FR": "9957", "AT": "9914", "HU": "9910",
    "ES": "9920", "IT": "0211", "SE": "0007", "DK": "0184", "FI": "0216", "NO": "0192",
}  # fmt: skip
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/+]{0,49}$")
_FIELD = "peppol_id"


def _invalid(message: str) -> DomainError:
    return DomainError(message, field=_FIELD, code=CustomerErrorCode.INVALID_PEPPOL_ID)


def _gln_valid(digits: str) -> bool:
    """GS1 check digit (PEPPOL-COMMON-R040)."""
    weights = [3 if index % 2 == 0 else 1 for index in range(12)]
    total = sum(int(digit) * weight for digit, weight in zip(reversed(digits[:12]), weights, strict=True))
    return (10 - total % 10) % 10 == int(digits[12])


def peppol_id_clean(*, peppol_id: str) -> str:
    """`scheme:identifier` in its canonical form (spaces removed, VAT prefixes upper case); ""
    stays "". Raises a DomainError naming `peppol_id` when the scheme is not on the EAS list or
    the identifier does not fit its scheme."""
    value = re.sub(r"\s", "", peppol_id or "")
    if not value:
        return ""
    scheme, sep, identifier = value.partition(":")
    if not sep or not identifier:
        raise _invalid("a Peppol participant id is written scheme:identifier, e.g. 0088:4035811991021")
    if scheme not in EAS_SCHEMES:
        raise _invalid(f"{scheme} is not a Peppol electronic address scheme (EAS code, e.g. 0088, 9930)")
    if not _IDENTIFIER.match(identifier):
        raise _invalid("the identifier has 1 to 50 letters, digits or . - _ / +")
    if scheme == "0088" and not (len(identifier) == 13 and identifier.isdigit() and _gln_valid(identifier)):
        raise _invalid("a GLN (0088) has 13 digits and a valid check digit")
    if scheme in ("0184", "0192", "0208") and not identifier.isdigit():
        raise _invalid(f"a {scheme} identifier has digits only")
    country = next((code for code, vat_scheme in VAT_SCHEMES.items() if vat_scheme == scheme), None)
    if scheme.startswith("99") and country is not None:
        identifier = identifier.upper()
        if not identifier[:2].isalpha():
            raise _invalid(f"a {scheme} identifier is a VAT number with its country prefix, e.g. {country}…")
    return f"{scheme}:{identifier}"


def invoice_format_clean(*, invoice_format: str | None) -> str:
    value = (invoice_format or "").strip().lower() or "pdf"
    if value not in dict(INVOICE_FORMATS):
        raise DomainError(
            f"invoice_format is one of {', '.join(dict(INVOICE_FORMATS))}",
            field="invoice_format",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    return value


def country_clean(*, country: str) -> str:
    """An ISO 3166-1 alpha-2 code (upper case); "" stays ""."""
    value = (country or "").strip().upper()
    if value and not (len(value) == 2 and value.isalpha() and value.isascii()):
        raise DomainError(
            "a country is its ISO 3166 two-letter code, like DE",
            field="country",
            code=CustomerErrorCode.INVALID_COUNTRY,
        )
    return value
