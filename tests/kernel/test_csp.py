"""Content-Security-Policy on every page (decision 0033): a strict policy in the header, and pages
that need nothing it refuses: no inline <script> or <style>, no style="" or on…="" attributes, no
htmx that evaluates strings. The browser half (no violation reported by Chromium while the pages
work) is tests/browser/test_csp.py."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from o2c import pipeline
from receivables.cash.services import AllocationInput
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

ROOT = Path(settings.BASE_DIR)

# Rendered by WeasyPrint or sent by e-mail, never served to a browser as a page: they keep their
# inline styles (WeasyPrint reads no static files by URL, mail clients keep no stylesheet). The
# e-mail's preview is framed from its own URL with its own narrow policy (EMAIL_FRAME_CSP).
NOT_SERVED = re.compile(r"(/pdf/|_pdf\.html$|/email/|/statements/pdf\.html$)")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"""<[a-z][^>]*\sstyle\s*=""", re.I)
EVENT_HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=""", re.I)
HTMX_EVAL = re.compile(r"""hx-on[:-]|hx-vars|hx-vals\s*=\s*['"]\s*js:|hx-trigger\s*=\s*"[^"]*\[""", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)
CHECKS = {
    "inline <script>": INLINE_SCRIPT,
    "inline <style>": INLINE_STYLE,
    "style attribute": STYLE_ATTRIBUTE,
    "inline event handler": EVENT_HANDLER,
    "htmx that evaluates a string": HTMX_EVAL,
    "javascript: URL": JAVASCRIPT_URL,
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response) -> None:
    directives = policy(response)
    path = response.request["PATH_INFO"]
    assert directives["default-src"] == ["'self'"], path
    for name in ("script-src", "style-src"):
        assert directives[name] == ["'self'"], (path, name, directives[name])
    assert directives["object-src"] == ["'none'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"], path
    assert not any("unsafe" in value for values in directives.values() for value in values), path


def assert_nothing_inline(html: str, where: str) -> None:
    for what, pattern in CHECKS.items():
        found = pattern.search(html)
        assert not found, f"{what} in {where}: {html[max(0, found.start() - 80) : found.end() + 80]!r}"


# --- The templates -----------------------------------------------------------------------------


def served_templates() -> list[Path]:
    roots = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(
        path
        for root in roots
        if ".venv" not in root.parts
        for path in root.rglob("*.html")
        if not NOT_SERVED.search(path.relative_to(root).as_posix())
    )


def test_the_served_templates_have_no_inline_script_style_or_handlers():
    templates = served_templates()
    assert len(templates) > 80
    for path in templates:
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        assert_nothing_inline(text, str(path.relative_to(ROOT)))


def test_the_checks_catch_what_they_look_for():
    for sample in (
        "<script>alert(1)</script>",
        "<script type='module'>x()</script>",
        "<style>p{}</style>",
        '<div class="a" style="width: 3%">',
        '<button type="button" onclick="go()">',
        '<input hx-on:keydown="x()">',
        "<div hx-trigger=\"keyup[key=='Escape']\">",
        '<a href="javascript:void(0)">',
    ):
        with pytest.raises(AssertionError):
            assert_nothing_inline(sample, "sample")
    assert_nothing_inline('<script src="/static/js/o2c.js" defer></script><div data-style="x">', "ok")


def test_every_percent_class_exists():
    css = (ROOT / "static" / "css" / "percent.css").read_text()
    assert all(f".pct-{n} {{ width: {n}%; }}" in css for n in range(101))


# --- The pages ---------------------------------------------------------------------------------

SKIP = ("api/", "admin/", "logout/", "healthz", "portal/")


def plain_urls() -> list[str]:
    """Every page of the site whose URL takes no argument."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
                found.append("/" + prefix + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted({url for url in found if not url.lstrip("/").startswith(SKIP)})


@pytest.fixture
def documents(make_user):
    """An invoiced and paid order with a dispute, and an order held for credit."""
    finance = make_user("finance", "fiona")
    customer = a_customer(code="ACME", name="Acme Trading GmbH")
    invoice = an_invoice(customer, "119.00")
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="19.00", reason="damaged", by=finance)
    payment = pipeline.payment_record(
        customer_id=customer.pk,
        amount="100.00",
        reference="ACME May",
        received_on=invoice.issue_date,
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=Decimal("100.00"))],
    )
    held_customer = a_customer(code="HELD", name="Held GmbH", credit_limit="0.00")
    goods = a_product(price="50.00")
    stock(goods, "10")
    held = an_order(held_customer, line(goods, "1"), submit=True)
    return {
        "order": reverse("orders:detail", args=[invoice.order_id]),
        "held order": reverse("orders:detail", args=[held.pk]),
        "invoice": reverse("invoicing:detail", args=[invoice.pk]),
        "payment": reverse("receivables:payment-detail", args=[payment.pk]),
        "dispute": reverse("receivables:dispute-detail", args=[dispute.pk]),
        "customer": reverse("customers:detail", args=[customer.pk]),
        "pick": reverse("fulfillment:pick", args=[held.pk]),
    }


@pytest.mark.django_db
def test_every_page_sends_the_strict_policy_and_serves_nothing_inline(client, make_user, documents):
    client.force_login(make_user("manager", "mona"))
    urls = [*plain_urls(), *documents.values(), "/reports/subscription/?as_of=2026-01-02&preview=1"]
    assert len(urls) > 40
    served = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert_strict(response)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_nothing_inline(response.content.decode(), url)
            served += 1
    assert served > 35


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["sales", "warehouse", "finance", "manager"])
def test_each_role_gets_the_policy_on_its_pages(client, make_user, role):
    client.force_login(make_user(role))
    home = client.get("/", follow=True)
    assert_strict(home)
    for item in home.context["nav_items"]:
        if item["url"].startswith("/admin/"):
            continue
        response = client.get(item["url"])
        assert response.status_code == 200, item["url"]
        assert_strict(response)


@pytest.mark.django_db
def test_the_login_page_and_errors_carry_the_policy(client):
    assert_strict(client.get("/login/"))
    assert_strict(client.get("/no-such-page/"))
    assert_strict(client.get("/api/v1/customers/"))  # a JSON refusal too


@pytest.mark.django_db
def test_the_api_docs_page_serves_its_script_as_a_file(client, make_user):
    client.force_login(make_user("sales"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert_strict(page)
    assert_nothing_inline(page.content.decode(), "/api/docs/")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_the_email_preview_frame_allows_its_inline_styles_and_nothing_else(client, make_user):
    client.force_login(make_user("finance"))
    page = client.get("/reports/subscription/", {"as_of": "2026-01-02", "preview": "1"})
    frame_url = re.search(r'<iframe[^>]*src="([^"]+)"', page.content.decode()).group(1).replace("&amp;", "&")
    assert "frame=1" in frame_url
    frame = client.get(frame_url)
    assert frame.status_code == 200 and "Key figures" in frame.content.decode()
    directives = policy(frame)
    assert directives["default-src"] == ["'none'"] and directives["style-src"] == ["'unsafe-inline'"]
    assert "script-src" not in directives  # falls back to default-src 'none': no script at all
    assert directives["frame-ancestors"] == ["'self'"] and frame["X-Frame-Options"] == "SAMEORIGIN"
