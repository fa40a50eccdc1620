"""The manager logs in and reads the dashboard: KPI tiles with their change against last month, the
DSO trend, aging bars, cash per week and the order pipeline as SVG charts, the top overdue
customers, late shipments and the hold queue; then prints it (A4 landscape, no navigation). The
finance and sales home pages show their parts. Screenshots and the PDF land in var/screenshots/
(docs/dashboard-example.png is the manager's).

The history: six months of invoices to five customers who pay in their own ways (promptly, late,
in part, not at all), a bounced payment, a dispute, a late shipment, a late order, a credit hold
and a draft — built day by day through the pipeline, oldest first."""

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from o2c import pipeline
from receivables.cash.services import AllocationInput
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "a-long-demo-password"
MONEY = re.compile(r"^\d{1,3}(,\d{3})*\.\d{2}$")  # two decimals, thousands separators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# code, name, terms, habit: days after the due date it pays (None: never), share of it paid
CUSTOMERS = [
    ("ACME", "Acme Retail GmbH", 30, 0, Decimal("1")),
    ("BIST", "Bistro Nord KG", 14, 25, Decimal("1")),
    ("CAFE", "Café Lumière SARL", 30, 10, Decimal("0.5")),
    ("DELI", "Deli & Co. OHG", 30, 50, Decimal("1")),
    ("EHWI", "Espresso Haus Wien", 14, None, Decimal("0")),
]
AMOUNTS = ["1840.00", "960.00", "2310.50", "1275.00", "640.00", "1530.00"]


def at(day) -> time_machine.travel:
    moment = timezone.make_aware(datetime.combine(day, time(11, 0)))
    return time_machine.travel(moment, tick=False)


def user_with_password(make_user, role: str, username: str, name: str):
    user = make_user(role, username)
    user.first_name, user.last_name = name.split(" ", 1)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def history(make_user):
    today = timezone.localdate()
    sales = user_with_password(make_user, "sales", "sam", "Sam Seller")
    events: list[tuple[object, int, Callable[[], None]]] = []
    customers = {}
    invoices = {}

    with at(today - timedelta(days=190)):
        for code, name, terms, _, _ in CUSTOMERS:
            customers[code] = a_customer(code=code, name=name, payment_terms_days=terms)

    def invoice(code: str, amount: str, key: tuple) -> Callable[[], None]:
        def run():
            invoices[key] = an_invoice(customers[code], amount, by=sales)

        return run

    def pay(code: str, key: tuple, share: Decimal, day) -> Callable[[], None]:
        def run():
            target = invoices[key]
            amount = (target.total * share).quantize(Decimal("0.01"))
            pipeline.payment_record(
                customer_id=customers[code].pk,
                amount=str(amount),
                reference=f"{customers[code].name} {target.number}",
                received_on=day,
                allocations=[AllocationInput(target.pk, amount)],
            )

        return run

    for month in range(6, 0, -1):
        for index, (code, _, terms, late_by, share) in enumerate(CUSTOMERS):
            issued = today - timedelta(days=30 * month + 3 * index)
            key = (code, month)
            amount = AMOUNTS[(month + index) % len(AMOUNTS)]
            events.append((issued, 0, invoice(code, amount, key)))
            if late_by is not None:
                paid = issued + timedelta(days=terms + late_by)
                if paid < today:
                    events.append((paid, 1, pay(code, key, share, paid)))
    events.sort(key=lambda event: (event[0], event[1]))
    for day, _, run in events:
        with at(day):
            run()

    clerk = user_with_password(make_user, "finance", "fiona", "Fiona Ledger")
    with at(today - timedelta(days=12)):
        pipeline.dispute_open(
            invoice_id=invoices[("DELI", 1)].pk,
            amount="275.00",
            reason="quality",
            note="two broken",
            by=clerk,
        )
    with at(today - timedelta(days=9)):
        bounced = pipeline.payment_record(
            customer_id=customers["EHWI"].pk,
            amount="300.00",
            reference="Espresso Haus",
            received_on=today - timedelta(days=9),
        )
    with at(today - timedelta(days=2)):
        pipeline.payment_reverse(payment_id=bounced.pk, reason="returned by the bank")

    # orders: one shipped and late, one past its requested date, one on hold, a draft, open ones
    product = a_product(price="24.90", tax_rate="19.00", name="Barista tamper")
    stock(product, "200")
    with at(today - timedelta(days=10)):
        shipped = an_order(customers["ACME"], line(product, "12"), submit=True, by=sales)
        shipment = pipeline.shipment_create(order_id=shipped.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(
            shipment_id=shipment.pk,
            carrier="DHL",
            tracking_number="JD0146000",
            estimated_delivery=today - timedelta(days=4),
            by=None,
        )
        pipeline.order_place(
            by=sales,
            submit=True,
            customer_id=customers["ACME"].pk,
            lines=[line(product, "8")],
            warehouse_id=shipped.warehouse_id,
            requested_delivery_date=today - timedelta(days=3),
        )
    with at(today - timedelta(days=5)):
        careful = a_customer(code="FINE", name="Feinkost Fischer", credit_limit="500.00")
        an_order(careful, line(product, "40"), submit=True, by=sales)  # over its limit: held
    an_order(customers["BIST"], line(product, "6"), submit=True, by=sales)  # held: BIST is overdue
    an_order(customers["ACME"], line(product, "5"), submit=True, by=sales)
    an_order(customers["ACME"], line(product, "3"), by=sales)  # a draft
    pipeline.late_flags_refresh(today=today)
    user_with_password(make_user, "manager", "max", "Max Manager")
    return {"today": today}


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("nav")).to_be_visible()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


def test_the_manager_reads_the_dashboard_and_prints_it(page: Page, live_server, history):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, "max")
    expect(page).to_have_url(f"{live_server.url}/home/manager/")

    tiles = page.get_by_test_id("tiles")
    for key in ("dso", "cei", "receivables", "overdue_percent", "o2c_cycle", "on_time", "orders_on_hold"):
        expect(tiles.get_by_test_id(f"tile-{key}")).to_be_visible()
    # FINE over its limit, BIST with overdue invoices
    expect(page.get_by_test_id("tile-orders_on_hold-value")).to_have_text("2")
    expect(page.get_by_test_id("tile-receivables-value")).to_have_text(MONEY)
    expect(page.get_by_test_id("tile-receivables-delta")).to_contain_text("vs ")

    dashboard = page.get_by_test_id("dashboard")
    for panel in ("dso-trend", "aging", "cash", "pipeline"):
        chart = dashboard.get_by_test_id(f"panel-{panel}").locator("svg[role=img]")
        expect(chart).to_be_visible()
        expect(chart.locator("title").first).not_to_be_empty()
    expect(dashboard.locator("svg.chart-empty")).to_have_count(0)  # every chart has figures
    expect(dashboard.get_by_test_id("panel-dso-trend").locator("svg polyline")).to_have_count(1)
    expect(dashboard.get_by_test_id("panel-aging").locator("svg g.legend-item")).to_have_count(6)
    expect(page.get_by_test_id("panel-top-overdue").locator("tbody tr")).not_to_have_count(0)
    expect(page.get_by_test_id("panel-top-overdue")).to_contain_text("Espresso Haus Wien")
    expect(page.get_by_test_id("late-summary")).to_contain_text("1 shipment")
    expect(page.get_by_test_id("holds-summary")).to_contain_text("2 orders on hold")
    page.screenshot(path=SCREENSHOTS / "dashboard-manager.png", full_page=True)

    # each panel leads to its report
    page.get_by_test_id("panel-holds").get_by_role("link", name="Hold queue").click()
    expect(page).to_have_url(f"{live_server.url}/credit/holds/")
    page.go_back()

    # print: A4 landscape without the navigation; the charts keep their size and colours
    page.emulate_media(media="print")
    expect(page.get_by_test_id("nav")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    for panel in ("dso-trend", "aging", "cash", "pipeline"):
        box = page.get_by_test_id(f"panel-{panel}").locator("svg[role=img]").bounding_box()
        assert box["width"] > 300 and box["height"] > 100, panel
    page.screenshot(path=SCREENSHOTS / "dashboard-manager-print.png", full_page=True)
    pdf = page.pdf(
        path=SCREENSHOTS / "dashboard-manager.pdf", prefer_css_page_size=True, print_background=True
    )
    assert pdf.startswith(b"%PDF")


PARTS = {
    "finance": ("fiona", ("aging", "cash", "holds", "disputes", "top-overdue")),
    "sales": ("sam", ("pipeline", "pipeline-table", "holds", "late-orders", "top-customers")),
}


def test_finance_and_sales_see_their_part(browser: Browser, live_server, history):
    for home, (username, panels) in PARTS.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        log_in(page, live_server.url, username)
        expect(page).to_have_url(f"{live_server.url}/home/{home}/")
        for panel in panels:
            expect(page.get_by_test_id(f"panel-{panel}")).to_be_visible()
        expect(page.get_by_test_id("dashboard").locator("svg[role=img]").first).to_be_visible()
        if home == "sales":
            expect(page.get_by_test_id("late-orders-summary")).to_contain_text("1 open order")
            expect(page.get_by_test_id("pipeline-table")).to_contain_text("Draft")
        else:
            expect(page.get_by_test_id("disputes-summary")).to_contain_text("1 open dispute")
            expect(page.get_by_test_id("tile-receivables-value")).to_have_text(MONEY)
        page.screenshot(path=SCREENSHOTS / f"dashboard-{home}.png", full_page=True)
        context.close()
