"""What the CII and UBL writers share: element building with lxml, amounts and dates as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from o2c.money import round_places


def amount(value: Decimal) -> str:
    """An amount as the XML writes it: plain digits, two decimals (BR-DEC: at most two)."""
    return f"{round_places(value, 2):f}"


def number(value: Decimal) -> str:
    """A quantity, price or rate without trailing zeros (and without an exponent)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def iso_date(value: date) -> str:
    return value.isoformat()


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child element; callers leave out what is empty (PEPPOL-EN16931-R008: no empty elements)."""
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
