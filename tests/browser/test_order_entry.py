"""A sales clerk enters an order from the keyboard alone and sees it approved; finance's hold
queue is shown too. Screenshots land in var/screenshots/."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from customers.services import customer_create
from inventory.services import product_create, warehouse_create
from o2c import pipeline
from orders.services import LineInput

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "a-long-demo-password"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "locale": "en-US"}


@pytest.fixture
def catalogue():
    warehouse = warehouse_create(code="MAIN", name="Main warehouse")
    warehouse_create(code="EAST", name="East depot")
    widget = product_create(
        sku="WID-100", name="Widget, stainless", unit_price=Decimal("19.99"), tax_rate=Decimal("19.00")
    )
    product_create(
        sku="WID-200", name="Widget, brass", unit_price=Decimal("24.50"), tax_rate=Decimal("19.00")
    )
    consulting = product_create(
        sku="SRV-CONSULT",
        name="Consulting hour",
        unit_price=Decimal("120.00"),
        tax_rate=Decimal("19.00"),
        kind="service",
    )
    pipeline.stock_receive(product_id=widget.pk, warehouse_id=warehouse.pk, quantity=Decimal("10"))
    return {"warehouse": warehouse, "widget": widget, "consulting": consulting}


def a_customer(code, name, credit_limit):
    return customer_create(
        code=code,
        name=name,
        email=f"ap@{code.lower()}.example",
        credit_limit=Decimal(credit_limit),
        shipping_address=f"{name}\nGoods in, gate 3\n10115 Berlin",
    )


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav")).to_be_visible()


def user_with_password(make_user, role, username):
    user = make_user(role, username)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_sales_clerk_enters_an_order_with_the_keyboard_only(
    page: Page, browser, live_server, make_user, catalogue
):
    user_with_password(make_user, "sales", "sam")
    a_customer("ACME", "Acme Trading GmbH", "5000.00")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, live_server.url, "sam")
    page.goto(f"{live_server.url}/orders/new/")
    customer = page.locator("#customer-query")
    expect(customer).to_be_focused()

    # the customer: type, the first match is highlighted, Enter takes it
    page.keyboard.type("acm")
    expect(page.locator("#customer-options [role=option]").first).to_contain_text("Acme Trading GmbH")
    page.keyboard.press("Enter")
    expect(customer).to_have_value("ACME — Acme Trading GmbH")
    expect(page.get_by_test_id("credit-position")).to_contain_text("5,000.00")
    expect(page.locator("#id_ship_to")).to_have_value("Acme Trading GmbH\nGoods in, gate 3\n10115 Berlin")

    # warehouse, requested date, PO reference, ship-to, then the first line's product
    page.keyboard.press("Tab")
    expect(page.locator("#id_warehouse")).to_be_focused()
    page.keyboard.type("M")  # the select jumps to MAIN · Main warehouse (EAST comes first)
    expect(page.locator("#id_warehouse")).to_have_value(str(catalogue["warehouse"].pk))
    page.keyboard.press("Tab")
    expect(page.locator("#id_requested_delivery_date")).to_be_focused()
    delivery = date(timezone.localdate().year + 1, 3, 31)
    page.keyboard.type(delivery.strftime("%m%d%Y"))  # en-US: month, day and year fields in turn
    page.keyboard.press("Tab")  # past Chromium's calendar button
    page.keyboard.press("Tab")
    expect(page.locator("#id_customer_reference")).to_be_focused()
    page.keyboard.type("PO-4711")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#line-1-product-query")).to_be_focused()

    # line 1: a product by SKU, Enter takes it and moves to the quantity with the list price filled in
    page.keyboard.type("wid-1")
    expect(page.locator("#line-1-product-options [role=option]").first).to_contain_text("10 available")
    page.keyboard.press("Enter")
    expect(page.locator("#line-1-quantity")).to_be_focused()
    expect(page.locator("#line-1-price")).to_have_value("19.99")
    page.keyboard.type("3")
    expect(page.locator("#line-1-net")).to_have_text("59.97")
    expect(page.locator("#line-1-status")).to_contain_text("in stock")

    # Enter on the last line adds one; line 2: a service by name, with the arrow keys
    page.keyboard.press("Enter")
    expect(page.locator("#line-2-product-query")).to_be_focused()
    page.keyboard.type("hour")
    expect(page.locator("#line-2-product-options [role=option]")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator("#line-2-quantity")).to_be_focused()
    page.keyboard.type("2")
    expect(page.locator("#line-2-status")).to_contain_text("service")
    expect(page.get_by_test_id("total-gross")).to_have_text("356.96 EUR")  # 71.36 + 285.60
    expect(page.get_by_test_id("total-net")).to_have_text("299.97")
    expect(page.get_by_test_id("headroom-after")).to_have_text("4,643.04")

    # Alt+N adds a line; Tab to its ✕ and Enter removes it again
    page.keyboard.press("Alt+n")
    expect(page.locator("#line-3-product-query")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Remove line 3")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#line-3")).to_have_count(0)
    expect(page.locator("#line-2-product-query")).to_be_focused()
    expect(page.get_by_test_id("total-gross")).to_have_text("356.96 EUR")
    page.screenshot(path=SCREENSHOTS / "order-entry.png", full_page=True)

    # Ctrl+Enter saves and submits: within the limit, so approved
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("alert")).to_contain_text("approved")
    expect(page.get_by_test_id("order-status")).to_contain_text("open")
    expect(page.get_by_test_id("order-total")).to_have_text("356.96")
    expect(page.get_by_test_id("order-lines")).to_contain_text("WID-100")
    expect(page.get_by_test_id("timeline")).to_contain_text("Approved")
    expect(page.locator("main")).to_contain_text(delivery.isoformat())
    expect(page.locator("main")).to_contain_text("PO-4711")
    page.screenshot(path=SCREENSHOTS / "order-detail.png", full_page=True)


def test_finance_sees_the_hold_queue_and_releases_a_hold(page: Page, live_server, make_user, catalogue):
    user_with_password(make_user, "finance", "fiona")
    warehouse, widget = catalogue["warehouse"], catalogue["widget"]
    customers = [
        a_customer("BOLT", "Bolt & Nut AG", "100.00"),
        a_customer("CRNR", "Corner Hardware KG", "250.00"),
        a_customer("DLTA", "Delta Supplies Ltd", "0.00"),
    ]
    held = [
        pipeline.order_place(
            by=None,
            submit=True,
            customer_id=customer.pk,
            lines=[LineInput(product_id=widget.pk, quantity=Decimal(quantity))],
            warehouse_id=warehouse.pk,
        )
        for customer, quantity in zip(customers, ("6", "12", "2"), strict=True)
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, live_server.url, "fiona")
    page.get_by_test_id("nav").get_by_role("link", name="Credit holds").click()
    rows = page.get_by_test_id("hold-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("limit exceeded by")
    page.screenshot(path=SCREENSHOTS / "credit-holds.png", full_page=True)

    first = page.locator(f"#hold-{held[0].pk}")
    first.get_by_label(f"Note on {held[0].number}").fill("Paid in advance by wire")
    first.get_by_role("button", name="Release").click()
    expect(page.locator(f"#hold-{held[0].pk}")).to_contain_text("released")
