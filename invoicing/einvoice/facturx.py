"""Factur-X 1.0 / ZUGFeRD 2 (profile EN 16931): the invoice's PDF as PDF/A-3b with its CII XML
embedded as `factur-x.xml` (AFRelationship Data) and the Factur-X XMP properties.

WeasyPrint writes all of it in the one render (its `pdf/a-3b` variant, an attachment and extra
XMP), so the PDF is never parsed and written a second time (decision 0058)."""

from __future__ import annotations

import base64
from typing import Any

from weasyprint import Attachment

from o2c.documents import OfflineURLFetcher

FILENAME = "factur-x.xml"
CONFORMANCE_LEVEL = "EN 16931"

# The Factur-X properties and their PDF/A extension schema (as facturx/xmp/ of the factur-x package).
_XMP = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
<fx:DocumentType>INVOICE</fx:DocumentType>
<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
<fx:Version>1.0</fx:Version>
<fx:ConformanceLevel>{level}</fx:ConformanceLevel>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>"""
_PROPERTY = (
    '<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
    "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
    "<pdfaProperty:category>external</pdfaProperty:category>"
    "<pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
)
_PROPERTIES = "".join(
    _PROPERTY.format(name=name, description=description)
    for name, description in (
        ("DocumentFileName", "name of the embedded XML invoice file"),
        ("DocumentType", "INVOICE"),
        ("Version", "The actual version of the Factur-X XML schema"),
        ("ConformanceLevel", "The conformance level of the embedded Factur-X data"),
    )
)


def _data_url(content: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def facturx_pdf_options(*, xml: bytes, description: str) -> dict[str, Any]:
    """The `write_pdf` options that make the rendered PDF a Factur-X PDF/A-3b carrying `xml`."""
    xmp = _XMP.format(level=CONFORMANCE_LEVEL, properties=_PROPERTIES).encode()
    return {
        "pdf_variant": "pdf/a-3b",
        "attachments": [
            Attachment(
                url=_data_url(xml, "text/xml"),
                url_fetcher=OfflineURLFetcher(),
                name=FILENAME,
                description=description,
                relationship="Data",
            )
        ],
        "xmp_metadata": [_data_url(xmp, "application/rdf+xml")],
    }
