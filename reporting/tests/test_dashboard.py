"""The dashboards' figures (reporting/dashboard/) against histories computed by hand
(reporting/tests/dashboard_history.py: `books`, the receivables, and `operations`, the orders); the
home pages that show them are in test_dashboard_pages.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from o2c import pipeline
from reporting import dashboard
from reporting.dashboard.charts import dso_chart, week_label
from reporting.dashboard.selectors import (
    aging_history,
    cash_per_week,
    dso_trend,
    late_shipments,
    order_pipeline,
)
from reporting.dashboard.tiles import pipeline_linked
from reporting.models import KpiSnapshot
from reporting.snapshots import snapshot_take
from reporting.tests.dashboard_history import OPS_TODAY, TODAY, build_books, build_operations, on

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    return build_books()


@pytest.fixture
def operations(make_user):
    return build_operations(make_user)


def figures(row) -> dict:
    return {name: value for name, value in {**row.buckets(), "disputed": row.disputed}.items() if value}


def test_aging_at_each_month_end_and_today(books):
    with on("2026-05-20"):
        bars = aging_history(today=TODAY, months=6)
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
        trend = dso_trend(today=TODAY, today_dso=D("97.8"), months=4)
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
        trend = dso_trend(today=TODAY, today_dso=D("97.8"), months=4)
    assert [(point.label, point.dso, point.from_snapshot) for point in trend][1:3] == [
        ("Feb 26", D("33.8"), False),
        ("Mar 26", D("12.3"), True),
    ]


def test_dso_trend_is_empty_without_sales():
    with on("2026-05-20"):
        trend = dso_trend(today=TODAY, today_dso=None, months=3)
    assert [point.dso for point in trend] == [None, None, None, None]
    assert "chart-empty" in str(dso_chart(trend))


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
        weeks = cash_per_week(today=TODAY)
    assert len(weeks) == 12
    assert (weeks[0].week_start, weeks[-1].week_start) == (date(2026, 3, 2), date(2026, 5, 18))
    assert {week.week_start: week.net_collected for week in weeks if week.net_collected} == {
        date(2026, 5, 4): D("150.00"),
        date(2026, 5, 11): D("370.00"),
        date(2026, 5, 18): D("-20.00"),  # 50 received, the 70 of 05-13 reversed
    }
    assert [week_label(week) for week in weeks[-3:]] == ["4 May", "11 May", "18 May"]


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


def test_order_pipeline_by_status(operations):
    with on("2026-06-10"):
        rows = pipeline_linked(order_pipeline(today=OPS_TODAY, user_id=operations["seller"].pk))
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
        assert order_pipeline(today=date(2026, 7, 6))[4].count == 0


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
        assert late_shipments(today=OPS_TODAY).count == 0
