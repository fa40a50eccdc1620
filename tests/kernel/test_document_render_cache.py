"""What the document renderer reuses between PDFs (decision 0052) changes nothing on the page.

o2c/documents.py parses each <style> text once per process and passes it to WeasyPrint ready, and
lays documents out with a user-agent stylesheet cut down to the elements they use. Each test lays
the same HTML out twice, once that way and once with WeasyPrint's defaults (as before), and
compares every box of every page: kind, position, size, text and the colours and fonts it is
painted with. No database: the templates are rendered with a context built here.
"""

from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from o2c import documents
from o2c.documents import DocumentRow, company_block, document_amount, html_laid_out, tax_summary

FONTS = FontConfiguration()


def boxes(document) -> list[tuple]:
    """Every box of every page, as what decides how it looks."""
    seen: list[tuple] = []

    def walk(box, depth: int) -> None:
        style = box.style
        seen.append(
            (
                depth,
                type(box).__name__,
                round(box.position_x, 3),
                round(box.position_y, 3),
                round(box.width or 0, 3),
                round(box.height or 0, 3),
                getattr(box, "text", None),
                str(style["color"]),
                str(style["background_color"]),
                style["font_size"],
                style["font_weight"],
                tuple(style["font_family"]),
            )
        )
        for child in getattr(box, "children", ()):
            walk(child, depth + 1)

    for page in document.pages:
        walk(page._page_box, 0)
    return seen


def as_before(html: str):
    return HTML(string=html, url_fetcher=documents.OfflineURLFetcher(), base_url="about:blank").render(
        font_config=FONTS
    )


def invoice_html() -> str:
    line = SimpleNamespace(
        tax_rate=Decimal("19.00"), net_amount=Decimal("2451.00"), tax_amount=Decimal("465.69")
    )
    return render_to_string(
        "invoicing/pdf/invoice.html",
        {
            "title": "Invoice",
            "number": "INV-2026-000042",
            "company": company_block(),
            "recipient": documents.Party(
                name="Evergreen Hotels & Resorts AG", address_lines=["Ring 5", "1010 Wien"]
            ),
            "facts": [("Invoice no.", "INV-2026-000042"), ("Customer no.", "C0042")],
            "rows": [
                DocumentRow(
                    position=position,
                    description="Espresso machine Barista 100, dual boiler, 230 V" * (position % 2 + 1),
                    sku=f"ESP-{position}",
                    quantity="2",
                    unit_price=document_amount(Decimal("1290.00"), "EUR"),
                    discount="5 %" if position == 1 else "",
                    tax_rate="19 %",
                    net=document_amount(Decimal("2451.00"), "EUR"),
                )
                for position in range(1, 7)
            ],
            "tax_summary": tax_summary([line], "EUR"),
            "totals": {"net": "2,451.00", "tax": "465.69", "total": "2,916.69", "currency": "EUR"},
            "payment_terms": "Payable within 30 days, by 7 Jan 2027.",
            "order": SimpleNamespace(number="SO-2026-000042"),
        },
    )


def test_an_invoice_is_laid_out_exactly_as_with_weasyprints_defaults():
    html = invoice_html()
    assert "<style>" in html  # the template inlines its stylesheet; the renderer lifts it
    assert boxes(html_laid_out(html)) == boxes(as_before(html))


def test_a_document_with_other_elements_or_attributes_gets_weasyprints_full_sheet():
    html = (
        "<!doctype html><html><head><style>@page { size: A5 } li { color: #123456 }</style></head><body>"
        '<ul><li>one</li><li dir="rtl">two</li></ul><p hidden>not shown</p><b>bold</b><a href="#x">link</a>'
        "</body></html>"
    )
    assert boxes(html_laid_out(html)) == boxes(as_before(html))


def test_a_stylesheet_whose_precedence_could_change_stays_in_the_document():
    important = "<html><head><style>p { color: red !important }</style></head><body><p>x</p></body></html>"
    assert documents._stylesheets_lifted(important) == (important, [])
    plain = "<html><head><style>p { color: red }</style></head><body><p>x</p></body></html>"
    html, sheets = documents._stylesheets_lifted(plain)
    assert "<style>" not in html and len(sheets) == 1
    assert documents._stylesheets_lifted(plain)[1][0] is sheets[0]  # parsed once
