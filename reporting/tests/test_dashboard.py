"""The dashboards' figures (reporting/dashboard.py) against histories computed by hand, and the home
pages that show them: every panel there, a bounded number of queries however many documents.

Receivables history (`books`), today = Wednesday 2026-05-20. A and C on 30 days' terms, B on 14:
  01-10 invoice A1 1000.00 (due 02-09)        02-15 invoice A2 600.00 (due 03-17)
  02-20 payment A 1000 → A1 (A1 paid)         03-05 invoice B1 400.00 (due 03-19)
  04-01 invoice B2 200.00 (due 04-15)         04-10 dispute on A2, 100.00 (still open)
  04-20 invoice A3 500.00 (due 05-20)         05-04 (Mon) payment B 150 → B1 (B1 250 left)
  05-12 payment A 300 → A2 (300 left, 100 of it disputed)
  05-13 payment B 70 → B1, reversed on 05-19 (B1 250 again)
  05-15 invoice C1 50.00, paid 05-18 (its order closed, paid_on 05-18)

Aging today: A2 64 days past due (200 undisputed in 61–90, 100 disputed), A3 due today (500
current), B1 62 days (250 in 61–90), B2 35 days (200 in 31–60): open 1250.00, overdue 650.00.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise

import pytest
import time_machine

from o2c import pipeline
from receivables.cash.services import AllocationInput
from reporting import dashboard
from reporting.models import KpiSnapshot
from reporting.snapshots import snapshot_take
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2026, 5, 20)


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC), tick=False)


def pay(customer, amount, day, invoice=None, reference="transfer"):
    allocations = [AllocationInput(invoice.pk, D(amount))] if invoice else None
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        reference=reference,
        received_on=date.fromisoformat(day),
        allocations=allocations,
    )


@pytest.fixture
def books():
    with on("2026-01-10"):
        a = a_customer(code="A", name="Alpha & Co", payment_terms_days=30)
        b = a_customer(code="B", name="Beta <GmbH>", payment_terms_days=14)
        c = a_customer(code="C", name="Gamma", payment_terms_days=30)
        a1 = an_invoice(a, "1000.00")
    with on("2026-02-15"):
        a2 = an_invoice(a, "600.00")
    with on("2026-02-20"):
        pay(a, "1000.00", "2026-02-20", a1)
    with on("2026-03-05"):
        b1 = an_invoice(b, "400.00")
    with on("2026-04-01"):
        an_invoice(b, "200.00")
    with on("2026-04-10"):
        pipeline.dispute_open(invoice_id=a2.pk, amount="100.00", reason="quality", by=None)
    with on("2026-04-20"):
        an_invoice(a, "500.00")
    with on("2026-05-04"):
        pay(b, "150.00", "2026-05-04", b1)
    with on("2026-05-12"):
        pay(a, "300.00", "2026-05-12", a2)
    with on("2026-05-13"):
        bounced = pay(b, "70.00", "2026-05-13", b1)
    with on("2026-05-15"):
        c1 = an_invoice(c, "50.00")
    with on("2026-05-18"):
        pay(c, "50.00", "2026-05-18", c1)
    with on("2026-05-19"):
        pipeline.payment_reverse(payment_id=bounced.pk, reason="returned by the bank")
    return {"a": a, "b": b, "c": c}


def figures(row) -> dict:
    return {name: value for name, value in {**row.buckets(), "disputed": row.disputed}.items() if value}


def test_aging_at_each_month_end_and_today(books):
    with on("2026-05-20"):
        bars = dashboard.aging_history(today=TODAY, months=6)
    assert [(bar.day, bar.label) for bar in bars] == [
        (date(2025, 11, 30), "Nov 25"),
        (date(2025, 12, 31), "Dec 25"),
        (date(2026, 1, 31), "Jan 26"),
        (date(2026, 2, 28), "Feb 26"),
        (date(2026, 3, 31), "Mar 26"),
        (date(2026, 4, 30), "Apr 26"),
        (TODAY, "Today"),
    ]
    assert [figures(bar.totals) for bar in bars] == [
        {},
        {},
        {"current": D("1000.00")},
        {"current": D("600.00")},
        {"days_1_30": D("1000.00")},
        {
            "current": D("500.00"),
            "days_1_30": D("200.00"),
            "days_31_60": D("900.00"),
            "disputed": D("100.00"),
        },
        {
            "current": D("500.00"),
            "days_31_60": D("200.00"),
            "days_61_90": D("450.00"),
            "disputed": D("100.00"),
        },
    ]


def test_dso_trend_computed_at_month_ends_and_read_from_snapshots_where_there_are(books):
    with on("2026-05-20"):
        trend = dashboard.dso_trend(today=TODAY, today_dso=D("97.8"), months=4)
    # receivables / credit sales of the 90 days ending on the date × 90
    assert [(point.label, point.dso, point.from_snapshot) for point in trend] == [
        ("Jan 26", D("90.0"), False),  # 1000 / 1000
        ("Feb 26", D("33.8"), False),  # 600 / 1600
        ("Mar 26", D("45.0"), False),  # 1000 / 2000
        ("Apr 26", D("90.0"), False),  # 1700 / (600 + 400 + 200 + 500)
        ("Today", D("97.8"), False),
    ]
    with on("2026-05-20"):
        KpiSnapshot.objects.filter(pk=snapshot_take(as_of=date(2026, 3, 31)).pk).update(dso=D("12.3"))
        snapshot_take(as_of=date(2026, 2, 28), days=30)  # another window: not the trend's
        trend = dashboard.dso_trend(today=TODAY, today_dso=D("97.8"), months=4)
    assert [(point.label, point.dso, point.from_snapshot) for point in trend][1:3] == [
        ("Feb 26", D("33.8"), False),
        ("Mar 26", D("12.3"), True),
    ]


def test_dso_trend_is_empty_without_sales():
    with on("2026-05-20"):
        trend = dashboard.dso_trend(today=TODAY, today_dso=None, months=3)
    assert [point.dso for point in trend] == [None, None, None, None]
    assert "chart-empty" in str(dashboard.dso_chart(trend))


def test_kpi_tiles_against_30_days_ago(books):
    with on("2026-05-20"):
        data = dashboard.manager_dashboard(today=TODAY)
    tiles = {tile.key: tile for tile in data["tiles"]}
    assert data["compare_day"] == date(2026, 4, 20)
    # today 1250 open of 1150 sales in 90 days (B1, B2, A3, C1); on 04-20: 1700 open of 1700 sales
    assert (tiles["dso"].value, tiles["dso"].previous, tiles["dso"].delta) == (
        D("97.8"),
        D("90.0"),
        D("7.8"),
    )
    assert (tiles["dso"].direction, tiles["dso"].tone) == ("up", "bad")
    receivables = tiles["receivables"]
    assert (receivables.value, receivables.previous, receivables.delta) == (
        D("1250.00"),
        D("1700.00"),
        D("-450.00"),
    )
    assert (receivables.direction, receivables.tone) == ("down", "neutral")
    # overdue 650 of 1250 today; on 04-20 A2's undisputed 500, B1 400, B2 200 of 1700
    overdue = tiles["overdue_percent"]
    assert (overdue.value, overdue.previous, overdue.tone) == (D("52.0"), D("64.7"), "good")
    assert overdue.note == "650.00 past due"
    assert tiles["orders_on_hold"].value == 0 and tiles["orders_on_hold"].direction == "flat"
    assert [tile.key for tile in data["tiles"]] == [
        "dso",
        "cei",
        "receivables",
        "overdue_percent",
        "o2c_cycle",
        "on_time",
        "orders_on_hold",
    ]
    assert all(tile.href for tile in data["tiles"])


def test_kpi_tiles_compare_with_the_snapshot_of_that_day_when_there_is_one(books):
    with on("2026-05-20"):
        snapshot = snapshot_take(as_of=date(2026, 4, 20))
        KpiSnapshot.objects.filter(pk=snapshot.pk).update(receivables=D("9999.00"), dso=D("50.0"))
        tiles = {tile.key: tile for tile in dashboard.manager_dashboard(today=TODAY)["tiles"]}
    assert (tiles["receivables"].previous, tiles["dso"].previous) == (D("9999.00"), D("50.0"))


def test_top_overdue_customers(books):
    with on("2026-05-20"):
        rows = dashboard.manager_dashboard(today=TODAY)["top_overdue"]
    assert [(row.code, row.overdue, row.over_60, row.open_balance) for row in rows] == [
        ("B", D("450.00"), D("250.00"), D("450.00")),
        ("A", D("200.00"), D("200.00"), D("800.00")),
    ]


def test_cash_per_week(books):
    with on("2026-05-20"):
        weeks = dashboard.cash_per_week(today=TODAY)
    assert len(weeks) == 12
    assert (weeks[0].week_start, weeks[-1].week_start) == (date(2026, 3, 2), date(2026, 5, 18))
    assert {week.week_start: week.net_collected for week in weeks if week.net_collected} == {
        date(2026, 5, 4): D("150.00"),
        date(2026, 5, 11): D("370.00"),
        date(2026, 5, 18): D("-20.00"),  # 50 received, the 70 of 05-13 reversed
    }
    assert [dashboard.week_label(week) for week in weeks[-3:]] == ["4 May", "11 May", "18 May"]


def test_finance_tiles_and_panels(books):
    with on("2026-05-20"):
        data = dashboard.finance_dashboard(today=TODAY)
    tiles = {tile.key: (tile.value, tile.previous) for tile in data["tiles"]}
    assert tiles == {
        "receivables": (D("1250.00"), D("1700.00")),
        "overdue": (D("650.00"), D("1100.00")),
        "disputed": (D("100.00"), D("100.00")),
        "unapplied": (D("0.00"), D("0.00")),
        "dso": (D("97.8"), D("90.0")),
    }
    assert (data["disputes"].count, data["disputes"].value) == (1, D("100.00"))
    assert data["aging_totals"].open_balance == D("1250.00")
    assert [row.code for row in data["top_overdue"]] == ["B", "A"]


# ── operations: pipeline, holds, late shipments and orders, top customers ───────────────────────

OPS_TODAY = date(2026, 6, 10)


@pytest.fixture
def operations(make_user):
    """today 06-10. X: O1 5 × 10.00 shipped 06-01, expected 06-05, not delivered (late); O2 3 ×
    10.00 asked for 06-05, not shipped (late order); a service invoice of 80.00 on 06-04 paid 06-05
    (closed). Y (limit 100.00): O3 20 × 10.00 on hold. The seller's draft O4 1 × 10.00."""
    seller = make_user("sales", "seller")
    with on("2026-06-01"):
        x = a_customer(code="X", name="Xenon AG")
        y = a_customer(code="Y", name="Yak Ltd", credit_limit="100.00")
        product = a_product(price="10.00", tax_rate="0.00")
        stock(product, "100")
        o1 = an_order(x, line(product, "5"), submit=True)
        shipment = pipeline.shipment_create(order_id=o1.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(
            shipment_id=shipment.pk, carrier="DHL", estimated_delivery=date(2026, 6, 5), by=None
        )
        o2 = pipeline.order_place(
            by=None,
            submit=True,
            customer_id=x.pk,
            lines=[line(product, "3")],
            warehouse_id=o1.warehouse_id,
            requested_delivery_date=date(2026, 6, 5),
        )
    with on("2026-06-02"):
        o3 = an_order(y, line(product, "20"), submit=True)
    with on("2026-06-03"):
        an_order(x, line(product, "1"), by=seller)
    with on("2026-06-04"):
        service = an_invoice(x, "80.00")
    with on("2026-06-05"):
        pay(x, "80.00", "2026-06-05", service)
    with on("2026-06-10"):
        pipeline.late_flags_refresh(today=OPS_TODAY)
    return {"x": x, "y": y, "o1": o1, "o2": o2, "o3": o3, "shipment": shipment, "seller": seller}


def test_order_pipeline_by_status(operations):
    with on("2026-06-10"):
        rows = dashboard.order_pipeline(today=OPS_TODAY, user_id=operations["seller"].pk)
    assert [(row.status, row.count, row.value, row.mine) for row in rows] == [
        ("draft", 1, D("10.00"), 1),
        ("on_hold", 1, D("200.00"), 0),
        ("open", 1, D("30.00"), 0),
        ("fulfilled", 1, D("50.00"), 0),
        ("closed", 1, D("80.00"), 0),
    ]
    assert rows[1].href == "/orders/?status=on_hold"
    assert rows[4].label == "Closed (30 days)"
    with on("2026-07-06"):  # 31 days after it was paid the closed order leaves the pipeline
        assert dashboard.order_pipeline(today=date(2026, 7, 6))[4].count == 0


def test_holds_late_shipments_late_orders_and_top_customers(operations):
    with on("2026-06-10"):
        data = dashboard.manager_dashboard(today=OPS_TODAY)
        sales = dashboard.sales_dashboard(today=OPS_TODAY, user=operations["seller"])
    holds = data["holds"]
    assert (holds.count, holds.value, [order.number for order in holds.rows]) == (
        1,
        D("200.00"),
        [operations["o3"].number],
    )
    late = data["late_shipments"]
    assert (late.count, [(s.number, s.days_late) for s in late.rows]) == (
        1,
        [(operations["shipment"].number, 5)],
    )
    late_orders = sales["late_orders"]
    assert (late_orders.count, late_orders.value) == (1, D("30.00"))
    assert [(order.number, order.days_late) for order in late_orders.rows] == [(operations["o2"].number, 5)]
    assert [(row.code, row.net_sales) for row in sales["top_customers"]] == [("X", D("130.00"))]
    assert sales["pipeline"][0].mine == 1
    assert sales["holds"].count == 1


def test_a_delivered_shipment_is_no_longer_late(operations):
    with on("2026-06-10"):
        pipeline.shipment_deliver(shipment_id=operations["shipment"].pk, by=None)
        assert dashboard.late_shipments(today=OPS_TODAY).count == 0


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
    shades = [luminance(dashboard.AGING_COLORS[bucket]) for bucket in dashboard.BUCKETS]
    assert all(lighter - darker > 0.05 for lighter, darker in pairwise(shades))
