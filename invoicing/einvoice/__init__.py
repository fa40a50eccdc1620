"""E-invoices (docs/decisions/0058): every invoice and credit note as an EN 16931 document.

`model.py` reads a document into the EN 16931 semantic model once (seller, buyer, lines with their
allowances, the VAT breakdown and the totals, all from stored amounts); `cii.py` writes it as the
UN/CEFACT CII XML of Factur-X's EN 16931 profile (embedded in the PDF: invoicing/documents.py);
`ubl.py` writes it as a Peppol BIS Billing 3.0 UBL Invoice or CreditNote (the API's `xml/`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from invoicing.einvoice.model import EDocument


def einvoice_xml(*, document: EDocument, syntax: str) -> bytes:
    """`document` as `ubl` (Peppol BIS Billing 3.0) or `cii` (Factur-X EN 16931) XML."""
    from invoicing.einvoice.cii import cii_xml
    from invoicing.einvoice.ubl import ubl_xml

    return ubl_xml(document) if syntax == "ubl" else cii_xml(document)
