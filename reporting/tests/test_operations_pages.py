"""The operational report pages (reporting/operations/views.py) against the history of
operations_history.py: figures, charts, CSV, bad input, roles; screenshots in a browser."""

from __future__ import annotations

import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reporting.operations.period import Period
from reporting.operations.sales import NOT_BY_PRODUCT
from reporting.tests.operations_history import build_history, on

pytestmark = pytest.mark.django_db
D = Decimal
START, END = date(2026, 1, 1), date(2026, 4, 15)
PERIOD = {"start": "2026-01-01", "end": "2026-04-15"}
ENDPOINTS = ("cycle-times", "fulfilment", "credit-holds", "disputes", "cash", "sales")


@pytest.fixture
def history(db):
    return build_history()


def months(report_rows):
    return {row.month.strftime("%Y-%m"): row for row in report_rows}


# ── pages ──────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def finance_client(client, make_user):
    client.force_login(make_user("finance"))
    return client


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("cycle-times", ['id="cycle-chart"', "49.2 d", "April 2026"]),
        ("fulfilment", ['id="fulfilment-chart"', "33.3 %", "GADGET", "75.00"]),
        ("credit-holds", ["1,309.00", "64.0", "limit exceeded by 214.00 EUR"]),
        ("disputes", ['id="dispute-chart"', "Over 60 days", "133.00", "Price or discount"]),
        ("cash", ['id="cash-chart"', "2026-W12", "447.00"]),
        ("sales", ['id="sales-chart"', "421.39", "501.45", "February 2026"]),
    ],
)
def test_pages_show_the_report_with_a_bounded_number_of_queries(
    history, finance_client, django_assert_max_num_queries, endpoint, expected
):
    with on("2026-04-15"), django_assert_max_num_queries(6):  # session, user, roles, the report
        response = finance_client.get(f"/reports/{endpoint}/", PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page, text


def test_pages_default_to_the_last_twelve_months(history, finance_client):
    with on("2026-04-15"):
        response = finance_client.get("/reports/sales/")
    assert response.status_code == 200
    assert response.context["period"] == Period(date(2025, 5, 1), date(2026, 4, 15))
    assert len(response.context["report"].rows) == 12


@pytest.mark.parametrize("by", ["customer", "product"])
def test_sales_page_by_customer_and_product(history, finance_client, by):
    response = finance_client.get("/reports/sales/", {**PERIOD, "by": by})
    page = response.content.decode()
    assert "ALPHA" in page if by == "customer" else NOT_BY_PRODUCT in page
    assert (
        'aria-current="page" href="?start=2026-01-01&amp;end=2026-04-15&amp;by=' in page or "active" in page
    )


@pytest.mark.parametrize(
    ("endpoint", "query", "first_line"),
    [
        ("cycle-times", PERIOD, "month,orders_paid,average_days,median_days,p90_days"),
        (
            "fulfilment",
            {**PERIOD, "table": "backorders"},
            "sku,product,orders,quantity_backordered,value,oldest_order_date",
        ),
        (
            "credit-holds",
            {},
            "order,customer_code,customer_name,order_date,held_since,days_on_hold,currency,total,total_base,reason",
        ),
        ("disputes", {**PERIOD, "table": "ages"}, "as_of,days_open,disputes,amount,oldest_days"),
        (
            "cash",
            PERIOD,
            "week,week_start,partial,payments,received,reversals,reversed,net_collected,refunds",
        ),
        ("sales", {**PERIOD, "by": "product"}, "sku,product,invoiced_net,credited_net,net_sales,tax,gross"),
    ],
)
def test_pages_exportcsv_of(history, finance_client, endpoint, query, first_line):
    response = finance_client.get(f"/reports/{endpoint}/", {**query, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == first_line
    assert len(lines) > 2


def test_page_csv_matches_the_apicsv_of(history, finance_client, api_client_for):
    page = b"".join(finance_client.get("/reports/sales/", {**PERIOD, "export": "csv"}).streaming_content)
    api = (
        api_client_for("finance", "api-user")
        .get("/api/v1/reports/sales/", {**PERIOD, "format": "csv"})
        .content
    )
    assert page.decode().splitlines() == api.decode().splitlines()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "is after the end"),
        ({"start": "someday", "end": "2026-04-01"}, "Enter a valid date"),
    ],
)
def test_pages_refuse_a_bad_period_with_a_message(finance_client, query, message):
    response = finance_client.get("/reports/cash/", query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context.get("report") is None


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("role", "status"), [("sales", 403), ("warehouse", 403), ("manager", 200)])
def test_pages_roles(client, make_user, endpoint, role, status):
    client.force_login(make_user(role))
    assert client.get(f"/reports/{endpoint}/").status_code == status


def test_pages_send_anonymous_users_to_log_in(client):
    response = client.get("/reports/cash/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ── in a browser ───────────────────────────────────────────────────────────────────────────────

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls of fixtures there are
# still synchronous (as tests/browser/conftest.py says).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, as tests/browser/ runs it (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (scripts/system-deps.sh installs it)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "en-US"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reports_in_chromium(page, live_server, make_user):
    """A manager picks a period from the keyboard; the charts draw; the pages print without the
    navigation and the picker. Screenshots land in var/screenshots/."""
    from playwright.sync_api import expect

    build_history()
    manager = make_user("manager", "mona")
    manager.set_password("a-long-demo-password")
    manager.save()
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("mona")
    page.keyboard.press("Tab")
    page.keyboard.type("a-long-demo-password")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/reports/fulfilment/")
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-04-30")
    page.get_by_label("To", exact=True).press("Enter")
    expect(page.get_by_test_id("report-period")).to_have_text("1 Jan 2026 – 30 Apr 2026")
    expect(page.locator("#fulfilment-chart")).to_be_visible()
    expect(page.get_by_test_id("kpi-on-time")).to_contain_text("33.3 %")
    expect(page.get_by_test_id("backorder-total")).to_have_text("75.00")
    page.screenshot(path=SCREENSHOTS / "report-fulfilment.png", full_page=True)

    page.get_by_role("link", name="Sales", exact=True).last.click()
    expect(page.get_by_test_id("sales-total")).to_have_text("421.39")  # the period goes along
    page.get_by_test_id("sales-by-product").click()
    expect(page.locator("#sales-chart")).to_contain_text("(not by product)")
    page.screenshot(path=SCREENSHOTS / "report-sales-by-product.png", full_page=True)

    for name in ("cycle-times", "disputes", "credit-holds"):
        page.goto(f"{live_server.url}/reports/{name}/?start=2026-01-01&end=2026-04-30")
        expect(
            page.get_by_test_id("kpi-holds" if name == "credit-holds" else "report-period")
        ).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"report-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/reports/cash/?start=2026-01-01&end=2026-04-30")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("period-form")).to_be_hidden()
    expect(page.locator("#cash-chart")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "report-cash-print.png", full_page=True)
