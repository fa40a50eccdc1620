"""What every PDF the company sends shares: A4 rendered by WeasyPrint from a Django template, fully
offline, with the company's letterhead and the customer's window address.

The invoices and credit notes (invoicing/documents.py), the statements of account
(receivables/statements/documents.py) and the dunning letters (receivables/dunning/letters.py) build their
own context and template; this module gives them the figures as documents print them, the
company block (from settings), the recipient block (from a customer and a billing address) and
`pdf_render`. Their templates extend templates/o2c/pdf/base.html, which lays out the shared parts
(print stylesheet, running footer, letterhead, window address beside the document's facts) with the
partials beside it.

The URL fetcher refuses everything but `data:` URLs, so rendering never touches the network or the
file system; the print stylesheet is inlined in the HTML.

What does not change between documents is built once per process and reused (decision 0052): the
font configuration (per thread), the parsed stylesheets (the `<style>` text of a rendered document
is parsed on its first use and passed to WeasyPrint as a ready `CSS` object), the URL fetcher, and
a user-agent stylesheet cut down to the elements documents use (o2c/document_ua.css). Each of
these leaves the laid-out document exactly as before (tests/documents/test_render_cache.py compares
every box of the page).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import dateformat
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from o2c.parsing import content_disposition

if TYPE_CHECKING:
    from customers.models import Customer

DATE_FORMAT = "j M Y"  # 23 Nov 2026: unambiguous for customers in every country
LOCALE = "en_US"  # how figures are grouped on every document: 1,290.00


class OfflineURLFetcher(URLFetcher):
    """Refuses every URL except inline `data:` ones: a template can never make a PDF wait on
    (or leak to) a remote server."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"PDF rendering fetches nothing: {url} refused")


def document_date(value: date) -> str:
    """A date as the documents print it: 23 Nov 2026."""
    return dateformat.format(value, DATE_FORMAT)


def document_amount(value: Decimal, currency: str) -> str:
    """An amount as the documents print it: 1,290.00 (the currency's minor unit, no symbol)."""
    return format_currency(value, currency, format="#,##0.00", locale=LOCALE, currency_digits=True)


def document_quantity(value: Decimal) -> str:
    """A quantity as the documents print it: 1,250.5 (no trailing zeros)."""
    return format_decimal(value, format="#,##0.###", locale=LOCALE)


def document_percent(value: Decimal) -> str:
    """A rate as the documents print it: 19 %, 7.5 %."""
    return format_decimal(value, format="0.##", locale=LOCALE) + " %"


@dataclass(frozen=True)
class DocumentRow:
    """One line of an order confirmation, invoice or credit note, formatted for print."""

    position: int
    description: str
    sku: str
    quantity: str
    unit_price: str
    discount: str
    tax_rate: str
    net: str


def document_rows(lines: Any, currency: str) -> list[DocumentRow]:
    """The printed rows of an order's or quotation's lines (each with its product read along)."""
    return [
        DocumentRow(
            position=line.position,
            description=line.description,
            sku=line.product.sku,
            quantity=document_quantity(line.quantity),
            unit_price=document_amount(line.unit_price, currency),
            discount=document_percent(line.discount_percent) if line.discount_percent else "",
            tax_rate=document_percent(line.tax_rate),
            net=document_amount(line.net_amount, currency),
        )
        for line in lines
    ]


@dataclass(frozen=True)
class TaxRow:
    rate: str
    net: str
    tax: str


def tax_summary(lines: Any, currency: str) -> list[TaxRow]:
    """Net and tax per rate: sums of the stored, already rounded line amounts, highest rate first."""
    net_by_rate: dict[Decimal, Decimal] = {}
    tax_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        net_by_rate[line.tax_rate] = net_by_rate.get(line.tax_rate, Decimal(0)) + line.net_amount
        tax_by_rate[line.tax_rate] = tax_by_rate.get(line.tax_rate, Decimal(0)) + line.tax_amount
    return [
        TaxRow(
            rate=document_percent(rate),
            net=document_amount(net_by_rate[rate], currency),
            tax=document_amount(tax_by_rate[rate], currency),
        )
        for rate in sorted(net_by_rate, reverse=True)
    ]


def address_lines_of(text: str | None) -> list[str]:
    """The non-blank lines of an address, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def company_block() -> dict[str, Any]:
    """The sender, from settings: letterhead, the sender line above the window address, footer."""
    address_lines = address_lines_of(settings.O2C_COMPANY_ADDRESS)
    return {
        "name": settings.O2C_COMPANY_NAME,
        "address_lines": address_lines,
        "one_line": " · ".join([settings.O2C_COMPANY_NAME, *address_lines]),
        "bank": settings.O2C_COMPANY_BANK,
        "vat_number": settings.O2C_COMPANY_VAT_NUMBER,
        "email": settings.DEFAULT_FROM_EMAIL,
    }


@dataclass(frozen=True)
class Party:
    """Who a document is addressed to, as the window address prints it."""

    name: str
    address_lines: list[str]
    vat_number: str = ""


def recipient_block(*, customer: Customer, billing_address: str = "", with_vat_number: bool = True) -> Party:
    """The customer's window address: its name, then `billing_address` (the customer's own when
    empty) without a first line repeating the name; its VAT ID unless `with_vat_number` is off."""
    address = address_lines_of(billing_address or customer.billing_address)
    if address and address[0] == customer.name:  # the address may already start with the name
        address = address[1:]
    return Party(
        name=customer.name,
        address_lines=address,
        vat_number=customer.vat_number if with_vat_number else "",
    )


_fonts = threading.local()


def font_config() -> FontConfiguration:
    """One per thread, kept across renders: building it is about 40 % of a render's time, and
    with no @font-face rules it holds nothing specific to a document."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


_FETCHER = OfflineURLFetcher()

# The bare <style> elements of a document (base.html writes one: print.css and the document's own
# rules). A stylesheet that could depend on more than its text, or whose precedence could change
# when it is applied from outside the document (see `_stylesheets_lifted`), stays in the HTML.
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_NOT_LIFTED = ("!important", "@font-face", "@import", "url(")


@lru_cache(maxsize=32)
def _stylesheet(css: str) -> CSS:
    """A stylesheet parsed once per process: its text is the key (a few distinct texts in all)."""
    return CSS(string=css, url_fetcher=_FETCHER, base_url="about:blank")


def _stylesheets_lifted(html: str) -> tuple[str, list[CSS]]:
    """The HTML without its <style> elements, and their stylesheets parsed (cached), in order.

    WeasyPrint applies stylesheets passed to it with the user origin, below the author origin of
    the document's own. With every stylesheet lifted and none marked !important the cascade is
    the same: the only author declarations left are style attributes, which won before too. So
    either all are lifted or none (a <style> with attributes, a <link>, or a marker above)."""
    blocks = _STYLE_ELEMENT.findall(html)
    if (
        not blocks
        or "<style " in html
        or "<link" in html
        or any(marker in block for block in blocks for marker in _NOT_LIFTED)
    ):
        return html, []
    return _STYLE_ELEMENT.sub("", html), [_stylesheet(block) for block in blocks]


# The elements and attributes of the document templates; o2c/document_ua.css holds WeasyPrint's
# user-agent rules that can match them. Anything else gets WeasyPrint's full sheet.
DOCUMENT_TAGS = frozenset(
    [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "footer",
        "section",
        "div",
        "h1",
        "h2",
        "p",
        "br",
        "span",
        "strong",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    ]
)
DOCUMENT_ATTRIBUTES = frozenset(
    ["class", "id", "lang", "charset", "name", "content", "style", "colspan", "rowspan"]
)


@lru_cache(maxsize=1)
def _document_ua() -> CSS:
    return CSS(string=(Path(__file__).with_name("document_ua.css")).read_text(encoding="utf-8"))


class _DocumentHTML(HTML):
    """WeasyPrint's HTML with the documents' user-agent stylesheet when the tree holds only the
    elements and attributes it was cut for."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if not forms and all(
            element.tag in DOCUMENT_TAGS and DOCUMENT_ATTRIBUTES.issuperset(element.attrib)
            for element in self.etree_element.iter()
            if isinstance(element.tag, str)
        ):
            return [_document_ua()]
        return cast(list[CSS], super()._ua_stylesheets(forms))


def html_laid_out(html: str, **options: Any) -> Any:
    """An HTML document laid out on its pages (a WeasyPrint `Document`), fetching nothing."""
    html, stylesheets = _stylesheets_lifted(html)
    document = _DocumentHTML(string=html, url_fetcher=_FETCHER, base_url="about:blank")
    return document.render(font_config=font_config(), stylesheets=stylesheets, **options)


def html_pdf_render(html: str, **options: Any) -> bytes:
    """An HTML document as an A4 PDF (the page size is the stylesheet's), fetching nothing.
    `options` go to WeasyPrint's `render` and `write_pdf`, as `HTML.write_pdf` passes them (the
    e-invoices' PDF/A-3 variant, attachments and XMP metadata: invoicing/einvoice/facturx.py)."""
    return cast(bytes, html_laid_out(html, **options).write_pdf(**options))


def pdf_render(template: str, context: dict[str, Any], **options: Any) -> bytes:
    """The Django template `template` rendered with `context`, as a PDF (`options`: as above)."""
    return html_pdf_render(render_to_string(template, context), **options)


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), under an RFC 6266 file name: every PDF page and API
    download answers through here."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    return response
