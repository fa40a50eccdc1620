"""In Chromium (decision 0067): a manager sets the risk threshold from the keyboard; a held order's
risk shows in the hold queue; the customer page shows the score with its factors and a timeline
whose older page is one link away; the promise report says its method. Every page under the CSP
(conftest's `csp_violations` fails the test on a refusal)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from receivables.collections import services
from receivables.collections.models import RiskScore
from tests.browser.test_csp import log_in, user_with_password
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "locale": "en-US"}


def test_a_manager_sets_the_threshold_and_a_risky_order_waits(page: Page, live_server, make_user):
    boss = user_with_password(make_user, "manager", "mona")
    risky = a_customer(code="RISKY", credit_limit="10000.00")
    for _ in range(25):
        services.activity_log(customer_id=risky.pk, kind="note", note="chasing", by=boss)
    RiskScore.objects.create(
        customer=risky, score=80, summary="Broken promises 15.0/15",
        factors=[{"key": "broken_promises", "label": "Broken promises", "value": "3 in 12 months",
                  "points": "15.0", "max_points": 15, "rule": "5 each"}],
        as_of=timezone.localdate(),
    )  # fmt: skip
    log_in(page, live_server.url, "mona")
    page.goto(f"{live_server.url}/credit/settings/")
    page.get_by_label("Risk threshold").fill("60")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("risk-threshold-current")).to_contain_text("scored above 60 are held")

    product = a_product(price="10.00", tax_rate="0.00")
    stock(product, "5")
    an_order(risky, line(product, "1"), submit=True)
    page.goto(f"{live_server.url}/credit/holds/")
    row = page.get_by_test_id("hold-row")
    expect(row.get_by_test_id("risk")).to_have_text("80")
    expect(row).to_contain_text("risk score 80 above 60: Broken promises 15.0/15")

    page.goto(f"{live_server.url}/customers/{risky.pk}/")
    expect(page.get_by_test_id("risk-score")).to_have_text("80")
    expect(page.get_by_test_id("risk-factors")).to_contain_text("3 in 12 months")
    expect(page.get_by_test_id("timeline-row")).to_have_count(20)
    page.get_by_test_id("timeline-older").click()
    expect(page.get_by_test_id("timeline-page")).to_have_text("page 2 of 2")
    expect(page.get_by_test_id("timeline-row").first).to_be_visible()


def test_the_promise_report_says_its_method(page: Page, live_server, make_user):
    user_with_password(make_user, "finance", "fiona")
    customer = a_customer(code="PROM")
    an_invoice(customer, "10.00")
    services.promise_make(
        customer_id=customer.pk, amount="10.00", promised_on=timezone.localdate() + timedelta(days=3)
    )
    log_in(page, live_server.url, "fiona")
    page.goto(f"{live_server.url}/reports/promises/")
    expect(page.get_by_test_id("method")).to_contain_text("Kept rate = kept ÷ (kept + broken)")
    expect(page.get_by_test_id("promises-customers")).to_contain_text("No promise was kept or broken")
