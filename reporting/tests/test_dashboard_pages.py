"""The home pages that show the dashboards: every panel there, a bounded number of queries however
many documents, money and names formatted, the empty state, colours that keep their order in grey.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from o2c import pipeline
from receivables.open_items.selectors import BUCKETS
from reporting.dashboard.charts import AGING_COLORS
from reporting.tests.dashboard_history import OPS_TODAY, build_books, build_operations, on, pay
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    return build_books()


@pytest.fixture
def operations(make_user):
    return build_operations(make_user)


# ── the pages ──────────────────────────────────────────────────────────────────────────────────

PAGES = {
    "manager": (
        "/home/manager/",
        [
            "tile-dso",
            "panel-dso-trend",
            "panel-aging",
            "panel-cash",
            "panel-pipeline",
            "panel-top-overdue",
            "panel-holds",
            "panel-late-shipments",
        ],
    ),
    "finance": (
        "/home/finance/",
        [
            "tile-receivables",
            "tile-dso",
            "panel-aging",
            "panel-cash",
            "panel-holds",
            "panel-disputes",
            "panel-top-overdue",
        ],
    ),
    "sales": (
        "/home/sales/",
        ["panel-pipeline", "pipeline-table", "panel-holds", "panel-late-orders", "panel-top-customers"],
    ),
}
MAX_QUERIES = {"manager": 45, "finance": 20, "sales": 12}


def more_business(count: int) -> None:
    """`count` more customers, each with an overdue invoice, a payment, an order on hold, a late
    order and a late shipment."""
    product = a_product(price="10.00", tax_rate="0.00")
    stock(product, str(50 * count))
    for number in range(count):
        with on("2026-04-01"):
            customer = a_customer(code=f"M{number}", payment_terms_days=14)
            invoice = an_invoice(customer, "100.00")
        with on("2026-05-02"):
            pay(customer, "30.00", "2026-05-02", invoice)
        with on("2026-06-01"):
            order = an_order(customer, line(product, "2"), submit=True)
            if order.status == "on_hold":
                order = pipeline.hold_release(order_id=order.pk, note="ok", by=None)
            shipment = pipeline.shipment_create(order_id=order.pk, by=None)
            pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
            pipeline.shipment_ship(
                shipment_id=shipment.pk, carrier="UPS", estimated_delivery=date(2026, 6, 3), by=None
            )
            pipeline.order_place(
                by=None,
                submit=True,
                customer_id=customer.pk,
                lines=[line(product, "1")],
                warehouse_id=order.warehouse_id,
                requested_delivery_date=date(2026, 6, 4),
            )
        with on("2026-06-02"):
            held = a_customer(code=f"H{number}", credit_limit="1.00")
            an_order(held, line(product, "3"), submit=True)
    with on("2026-06-10"):
        pipeline.late_flags_refresh(today=OPS_TODAY)


@pytest.mark.parametrize("role", ["manager", "finance", "sales"])
def test_home_pages_show_their_panels_in_a_bounded_number_of_queries(
    role, operations, books, client, make_user, django_assert_max_num_queries
):
    url, testids = PAGES[role]
    user = make_user(role, f"{role}-home")
    with on("2026-06-10"):
        client.force_login(user)
        with django_assert_max_num_queries(MAX_QUERIES[role]) as few:
            page = client.get(url)
        assert page.status_code == 200
        html = page.text
        for testid in testids:
            assert f'data-testid="{testid}"' in html, testid
        assert html.count("<svg") >= (3 if role == "manager" else 2 if role == "finance" else 1)
        assert html.index('data-testid="dashboard"') < html.index('id="pages-heading"')  # cards below
    more_business(3)
    with on("2026-06-10"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            again = client.get(url)
        assert again.status_code == 200


def test_the_manager_page_formats_money_with_two_decimals_and_escapes_names(
    operations, books, client, make_user
):
    user = make_user("manager", "boss")
    with on("2026-05-20"):
        client.force_login(user)
        html = client.get("/home/manager/").text
    assert "1,250.00" in html  # receivables on the tile and in the aging summary
    assert "Beta &lt;GmbH&gt;" in html and "Beta <GmbH>" not in html
    assert "Alpha &amp; Co" in html


def test_the_pages_show_no_data_yet_on_an_empty_database(client, make_user):
    for role in ("manager", "finance", "sales"):
        client.force_login(make_user(role, f"empty-{role}"))
        html = client.get(PAGES[role][0]).text
        assert "chart-empty" in html
        assert "No orders yet" in html if role != "finance" else "Nothing open yet" in html


def luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_aging_colours_darken_with_age_so_that_a_greyscale_print_keeps_the_order():
    shades = [luminance(AGING_COLORS[bucket]) for bucket in BUCKETS]
    assert all(lighter - darker > 0.05 for lighter, darker in pairwise(shades))
