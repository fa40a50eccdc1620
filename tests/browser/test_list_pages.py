"""The list pages in Chromium (decision 0035): the orders list sorted and filtered from the
keyboard, under the Content-Security-Policy (conftest.py fails the test on a refusal), and
screenshots of the lists for a look."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from o2c import pipeline
from tests.browser.test_csp import log_in, user_with_password
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "locale": "en-US"}


@pytest.fixture
def orders():
    goods = a_product(sku="WID-100", name="Widget, stainless", price="19.99")
    stock(goods, "1000")
    customers = [
        a_customer(code="ACME", name="Acme Corporation"),
        a_customer(code="BOLT", name="Bolt & Nut Großhandel Aktiengesellschaft Norddeutschland"),
        a_customer(code="ZERO", name="Zero Limit GmbH", credit_limit="0.00"),
    ]
    return [
        an_order(customers[index % 3], line(goods, str(index + 1)), submit=index % 2 == 0)
        for index in range(7)
    ]


def test_the_orders_list_sorts_and_filters_from_the_keyboard(page: Page, live_server, make_user, orders):
    user_with_password(make_user, "sales", "sam")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/orders/")
    table = page.get_by_test_id("orders")
    expect(table.locator("tbody tr")).to_have_count(7)
    page.screenshot(path=SCREENSHOTS / "list-orders.png", full_page=True)

    # a sort header is a link: focus it and press Enter
    page.get_by_role("link", name="Total", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/orders/?sort=total")
    expect(table.locator("thead th[aria-sort=ascending]")).to_contain_text("Total")
    first = table.locator("tbody tr").first
    expect(first).to_contain_text(orders[0].number)

    # the search box has its label; typing and Enter filters, the sort stays
    page.get_by_label("Customer").fill("bolt")
    page.keyboard.press("Enter")
    expect(table.locator("tbody tr")).to_have_count(2)
    assert "sort=total" in page.url
    page.get_by_label("Customer").fill("nobody-by-that-name")
    page.keyboard.press("Enter")
    expect(table).to_contain_text("No orders match.")
    page.screenshot(path=SCREENSHOTS / "list-orders-empty.png", full_page=True)


def test_other_lists_render_under_the_policy(page: Page, live_server, make_user, orders):
    pipeline.shipment_create(order_id=orders[0].pk, lines=None, by=None)
    invoice = an_invoice(orders[0].customer, "120.00")
    pipeline.dispute_open(invoice_id=invoice.pk, amount="20.00", reason="damaged", by=None)
    pipeline.payment_record(
        customer_id=orders[0].customer_id,
        amount=Decimal("50.00"),
        received_on=timezone.localdate(),
        reference="=1+1",
    )
    user_with_password(make_user, "manager", "mia")
    log_in(page, live_server.url, "mia")
    for name, path, testid in (
        ("customers", "/customers/", "customers"),
        ("products", "/inventory/products/", "products"),
        ("stock", "/inventory/stock/", "stock"),
        ("holds", "/credit/holds/", "holds"),
        ("pick-queue", "/warehouse/", "pick-queue"),
        ("shipments", "/warehouse/shipments/", "shipments"),
        ("invoices", "/invoices/", "invoices"),
        ("journal", "/ledger/journal/", "journal"),
        ("payments", "/cash/payments/", "payments"),
        ("disputes", "/cash/disputes/", "disputes"),
        ("bank-statements", "/cash/bank/", "statements"),
        ("dunning-notices", "/cash/dunning/notices/", "notices"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_test_id(testid)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
        page.screenshot(path=SCREENSHOTS / f"list-{name}.png", full_page=True)
