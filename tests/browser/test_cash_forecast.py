"""The cash forecast page in Chromium: a finance user opens it from the reports index, reads the
two charts, the weekly table and the method, moves the date from the keyboard, and downloads the
CSV, under the Content-Security-Policy (conftest.py fails the test on a refusal). A screenshot
lands in var/screenshots/cash-forecast.png."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reporting.tests.test_cash_forecast import build_book
from tests.browser.test_csp import log_in, user_with_password

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


def test_a_finance_user_reads_the_forecast_and_downloads_it(page: Page, live_server, make_user):
    build_book()
    user_with_password(make_user, "finance", "fay")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "fay")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_test_id("report-cash-forecast").get_by_role("link", name="Cash forecast").click()
    expect(page.get_by_role("heading", name="Cash forecast", exact=True)).to_be_visible()
    expect(page.locator("#forecast-chart")).to_be_visible()
    expect(page.locator("#forecast-range-chart")).to_be_visible()
    rows = page.get_by_test_id("forecast-table").get_by_test_id("week-row")
    expect(rows).to_have_count(13)
    expect(rows.nth(1)).to_contain_text("1,825.00")
    expect(page.get_by_test_id("forecast-method")).to_contain_text("kept in the last 12 months")
    expect(page.get_by_test_id("forecast-promises")).to_contain_text("0.500")
    page.screenshot(path=SCREENSHOTS / "cash-forecast.png", full_page=True)

    # the date from the keyboard: the field has the focus, Enter shows the forecast of that day
    earlier = (timezone.localdate() - timedelta(days=60)).isoformat()
    field = page.get_by_label("As of")
    expect(field).to_be_focused()
    field.fill(earlier)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/reports/cash-forecast/?as_of={earlier}&weeks=13")
    expect(page.get_by_test_id("forecast-span")).to_contain_text(earlier)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert download.value.suggested_filename == f"cash-forecast-{earlier}.csv"
