"""The operational reports against the history of operations_history.py, every figure worked out by
hand below; their API (JSON and CSV), pages, roles and query counts.

Period: 2026-01-01 to 2026-04-15 unless said otherwise; "now" is 2026-04-15 12:00 UTC.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.dso import credit_sales
from reporting.kpis import cycle_time, on_time_delivery_rate
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.cycle_times import cycle_time_report
from reporting.operations.disputes import DisputeReason, dispute_report
from reporting.operations.fulfilment import fulfilment_report
from reporting.operations.period import Period, period_clean, period_default
from reporting.operations.sales import NOT_BY_PRODUCT, sales_report
from reporting.tests.operations_history import NOW, build_history, on

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


# ── order-to-cash cycle time ────────────────────────────────────────────────────────────────────


def test_cycle_time_median_p90_and_by_month(history):
    report = cycle_time_report(start=START, end=END)
    # Fully paid: O1 01-05 → 02-04 (30 days), O4 03-01 → 03-20 (19), O5 02-15 → 04-10 (54).
    total = report.total
    assert (total.count, total.median_days, total.average_days) == (3, D("30.0"), D("34.3"))
    assert total.p90_days == D("49.2")  # 30 + 0.8 × (54 − 30)
    by_month = months(report.months)
    assert list(by_month) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert by_month["2026-01"].count == 0 and by_month["2026-01"].median_days is None
    assert [(row.count, row.median_days, row.p90_days) for row in report.months[1:]] == [
        (1, D("30.0"), D("30.0")),
        (1, D("19.0"), D("19.0")),
        (1, D("54.0"), D("54.0")),
    ]
    # The same definition as the KPI tile.
    kpi = cycle_time(start=START, end=END)
    assert (kpi.median_days, kpi.p90_days, kpi.orders) == (total.median_days, total.p90_days, total.count)


def test_cycle_time_of_a_period_without_payments(history):
    report = cycle_time_report(start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert (report.total.count, report.total.median_days, report.total.p90_days) == (0, None, None)


# ── fulfilment ─────────────────────────────────────────────────────────────────────────────────


def test_order_to_ship_and_first_shipment_fill_rate(history):
    report = fulfilment_report(start=START, end=END)
    # First shipments: O1 2 days (full), O2 5 days (5 of 8 gadgets), O4 3 days (full), O8 1 day (full).
    total = report.total
    assert (total.ship.count, total.ship.median_days, total.ship.p90_days, total.ship.average_days) == (
        4,
        D("2.5"),
        D("4.4"),  # 3 + 0.7 × (5 − 3)
        D("2.8"),  # 11 / 4 = 2.75, half up
    )
    assert (total.orders_complete, total.order_fill_rate) == (3, D("75.0"))
    assert (total.quantity_ordered, total.quantity_first_shipped, total.line_fill_rate) == (
        D("36"),
        D("33"),
        D("91.7"),  # 33 / 36
    )
    january = months(report.months)["2026-01"]
    assert (january.ship.count, january.ship.median_days, january.ship.p90_days) == (2, D("3.5"), D("4.7"))
    assert (january.order_fill_rate, january.line_fill_rate) == (D("50.0"), D("87.0"))  # 1 of 2; 20 / 23
    assert months(report.months)["2026-02"].ship.count == 0
    assert months(report.months)["2026-02"].order_fill_rate is None
    assert months(report.months)["2026-04"].order_fill_rate == D("100.0")


def test_on_time_delivery_rate_with_and_without_a_promised_date(history):
    report = fulfilment_report(start=START, end=END)
    # S1 01-10 ≤ requested 01-15: on time; S2 01-30 > estimated 01-28: late; S3 03-06 > requested
    # 03-05 (its estimate 03-06 does not count): late; S4 has no promised date: counted apart.
    total = report.total
    assert (total.on_time, total.deliveries, total.on_time_rate, total.without_promise) == (
        1,
        3,
        D("33.3"),
        1,
    )
    assert total.on_time_rate == on_time_delivery_rate(start=START, end=END)  # the KPI's definition
    by_month = months(report.months)
    assert (by_month["2026-01"].on_time, by_month["2026-01"].deliveries) == (1, 2)
    assert by_month["2026-01"].on_time_rate == D("50.0")
    assert by_month["2026-03"].on_time_rate == D("0.0")
    assert (by_month["2026-04"].on_time_rate, by_month["2026-04"].without_promise) == (None, 1)


def test_backorder_value_now(history):
    report = fulfilment_report(start=START, end=END)
    # O2: 3 gadgets × (152.00 / 8) = 57.00; O6: 1 gadget × 18.00 (10 % off 20.00).
    assert [(row.sku, row.orders, row.quantity, row.value) for row in report.backorders] == [
        ("GADGET", 2, D("4.000"), D("75.00"))
    ]
    assert report.backorders[0].oldest_order_date == date(2026, 1, 20)
    assert (report.backorder_total.orders, report.backorder_total.value) == (2, D("75.00"))


# ── credit holds ───────────────────────────────────────────────────────────────────────────────


def test_credit_hold_queue_oldest_first_with_time_on_hold(history):
    with on("2026-04-15"):
        report = credit_hold_report()
    orders = history["orders"]
    # O3 held 02-10 12:00 (64 days), O7 04-01 12:00 (14 days); O3x was held and rejected.
    assert [row.number for row in report.orders] == [orders["o3"].number, orders["o7"].number]
    assert [row.days_on_hold for row in report.orders] == [D("64.0"), D("14.0")]
    assert (report.count, report.value) == (2, D("1309.00"))  # 714.00 + 595.00
    assert (report.average_days_on_hold, report.max_days_on_hold) == (D("39.0"), D("64.0"))
    assert report.orders[0].reason == "limit exceeded by 214.00 EUR"
    assert report.orders[0].customer_code == "BETA"


def test_a_released_hold_leaves_the_queue(history):
    from o2c import pipeline

    o7 = history["orders"]["o7"]
    with on("2026-04-15"):
        pipeline.hold_release(order_id=o7.pk, note="paid upfront", by=None)
    report = credit_hold_report(now=NOW)
    assert [row.number for row in report.orders] == [history["orders"]["o3"].number]
    assert report.average_days_on_hold == D("64.0")


# ── disputes ───────────────────────────────────────────────────────────────────────────────────


def test_open_disputes_by_days_open(history):
    report = dispute_report(start=START, end=END)
    # Open on 04-15: D5 10.00 (5 days), D4 20.00 (14), D6 5.00 (45), D1 30.00 (73).
    assert [(row.bucket, row.count, row.amount) for row in report.ages] == [
        ("days_0_7", 1, D("10.00")),
        ("days_8_30", 1, D("20.00")),
        ("days_31_60", 1, D("5.00")),
        ("days_over_60", 1, D("30.00")),
    ]
    assert (report.age_total.count, report.age_total.amount, report.age_total.oldest_days) == (
        4,
        D("65.00"),
        73,
    )


def test_disputes_by_reason_with_outcomes(history):
    report = dispute_report(start=START, end=END)
    rows = {row.reason: row for row in report.reasons}
    assert list(rows) == ["pricing", "quantity", "damaged", "not_received", "quality", "other"]
    pricing = rows["pricing"]
    assert (pricing.opened, pricing.opened_amount, pricing.credited, pricing.credited_amount) == (
        1,
        D("40.00"),
        1,
        D("40.00"),
    )
    assert (pricing.credit_notes_amount, pricing.average_days_to_resolve, pricing.open_at_end) == (
        D("40.00"),
        D("23.0"),  # 02-20 → 03-15
        0,
    )
    assert (rows["quantity"].opened, rows["quantity"].open_at_end, rows["quantity"].open_amount) == (
        2,
        2,
        D("25.00"),
    )
    assert (rows["quality"].rejected, rows["quality"].rejected_amount) == (1, D("19.00"))
    other = rows["other"]
    assert (
        other.opened,
        other.opened_amount,
        other.withdrawn,
        other.withdrawn_amount,
        other.open_amount,
    ) == (
        2,
        D("19.00"),
        1,
        D("9.00"),
        D("10.00"),
    )
    assert rows["not_received"] == DisputeReason("not_received")
    total = report.total
    assert (total.opened, total.opened_amount, total.resolved, total.open_at_end, total.open_amount) == (
        7,
        D("133.00"),
        3,
        4,
        D("65.00"),
    )
    assert total.average_days_to_resolve == D("10.0")  # (23 + 5 + 2) / 3


def test_disputes_as_of_a_past_month(history):
    report = dispute_report(start=date(2026, 3, 1), end=date(2026, 3, 31))
    # Open on 03-31: D1 (58 days), D6 (30 days); D4 and D5 came later, the others were resolved.
    assert [(row.count, row.amount) for row in report.ages] == [
        (0, D("0.00")),
        (1, D("5.00")),
        (1, D("30.00")),
        (0, D("0.00")),
    ]
    rows = {row.reason: row for row in report.reasons}
    assert (rows["pricing"].opened, rows["pricing"].credited) == (0, 1)  # opened in February
    assert (rows["other"].opened, rows["other"].withdrawn, rows["other"].open_at_end) == (1, 1, 0)
    assert (report.total.opened, report.total.resolved, report.total.open_at_end) == (3, 3, 2)


# ── cash ───────────────────────────────────────────────────────────────────────────────────────


def test_cash_collected_per_iso_week(history):
    report = cash_report(start=START, end=END)
    assert len(report.weeks) == 16
    assert (report.weeks[0].iso_week, report.weeks[0].week_start, report.weeks[0].partial) == (
        "2026-W01",
        date(2025, 12, 29),
        True,
    )
    assert (report.weeks[-1].iso_week, report.weeks[-1].partial) == ("2026-W16", True)
    weeks = {week.iso_week: week for week in report.weeks if week.payments or week.reversals or week.refunds}
    assert {
        name: (w.payments, w.received, w.reversed, w.net_collected, w.refunds) for name, w in weeks.items()
    } == {
        "2026-W06": (1, D("119.00"), D("0.00"), D("119.00"), D("0.00")),
        "2026-W11": (1, D("50.00"), D("0.00"), D("50.00"), D("0.00")),
        "2026-W12": (2, D("219.00"), D("100.00"), D("119.00"), D("0.00")),  # the bounce the same week
        "2026-W15": (2, D("159.00"), D("0.00"), D("159.00"), D("30.00")),
    }
    total = report.total
    assert (total.payments, total.received, total.reversals, total.reversed) == (
        6,
        D("547.00"),
        1,
        D("100.00"),
    )
    assert (total.net_collected, total.refunds) == (D("447.00"), D("30.00"))


def test_a_reversal_counts_in_the_week_it_happened(history):
    report = cash_report(start=date(2026, 3, 18), end=date(2026, 3, 31))
    first = report.weeks[0]
    # The bounced payment arrived 03-16, before the period; its reversal on 03-18 is inside it.
    assert (first.iso_week, first.partial, first.received, first.reversed, first.net_collected) == (
        "2026-W12",
        True,
        D("119.00"),
        D("100.00"),
        D("19.00"),
    )


# ── sales ──────────────────────────────────────────────────────────────────────────────────────


def test_sales_by_month(history):
    report = sales_report(start=START, end=END, by="month")
    assert [
        (row.key, row.invoiced, row.credited, row.net_sales, row.tax, row.gross) for row in report.rows
    ] == [
        ("2026-01", D("245.00"), D("0.00"), D("245.00"), D("46.55"), D("291.55")),
        ("2026-02", D("100.00"), D("20.00"), D("80.00"), D("15.20"), D("95.20")),  # INV4 − CN1
        ("2026-03", D("100.00"), D("33.61"), D("66.39"), D("12.61"), D("79.00")),  # INV3 − CN2
        ("2026-04", D("30.00"), D("0.00"), D("30.00"), D("5.70"), D("35.70")),
    ]
    total = report.total
    assert (total.invoiced, total.credited, total.net_sales, total.tax, total.gross) == (
        D("475.00"),
        D("53.61"),
        D("421.39"),
        D("80.06"),
        D("501.45"),
    )
    assert total.gross == credit_sales(start=START, end=END)  # what DSO reads as credit sales


def test_sales_by_customer(history):
    report = sales_report(start=START, end=END, by="customer")
    assert [(row.code, row.net_sales, row.tax, row.gross) for row in report.rows] == [
        ("ALPHA", D("291.39"), D("55.36"), D("346.75")),
        ("BETA", D("100.00"), D("19.00"), D("119.00")),
        ("DELTA", D("30.00"), D("5.70"), D("35.70")),
    ]
    assert report.total.net_sales == D("421.39")


def test_sales_by_product_credits_by_amount_apart(history):
    report = sales_report(start=START, end=END, by="product")
    assert [
        (row.code, row.name, row.invoiced, row.credited, row.net_sales, row.gross) for row in report.rows
    ] == [
        ("WIDGET", "Widget", D("280.00"), D("20.00"), D("260.00"), D("309.40")),
        ("SETUP", "Setup service", D("100.00"), D("0.00"), D("100.00"), D("119.00")),
        ("GADGET", "Gadget", D("95.00"), D("0.00"), D("95.00"), D("113.05")),
        ("", NOT_BY_PRODUCT, D("0.00"), D("33.61"), D("-33.61"), D("-40.00")),
    ]
    assert report.total.gross == D("501.45")


# ── periods ────────────────────────────────────────────────────────────────────────────────────


def test_the_default_period_is_the_last_twelve_months():
    assert period_default(today=date(2026, 4, 15)) == Period(date(2025, 5, 1), date(2026, 4, 15))
    assert period_clean(start=None, end=date(2026, 1, 31)).start == date(2025, 2, 1)
    assert len(Period(date(2025, 5, 1), date(2026, 4, 15)).months()) == 12


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(date(2026, 2, 1), date(2026, 1, 1), "start"), (date(2010, 1, 1), date(2026, 1, 1), "start")],
)
def test_a_backwards_or_too_long_period_is_refused(start, end, field):
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        period_clean(start=start, end=end)
    assert refused.value.field == field


# ── API ────────────────────────────────────────────────────────────────────────────────────────


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_api_cycle_times(history, api_client_for):
    client = api_client_for("finance")
    body = client.get("/api/v1/reports/cycle-times/", PERIOD).json()
    assert body["period"] == PERIOD
    assert body["total"] == {"orders": 3, "average_days": "34.3", "median_days": "30.0", "p90_days": "49.2"}
    assert body["months"][0] == {
        "month": "2026-01",
        "orders": 0,
        "average_days": None,
        "median_days": None,
        "p90_days": None,
    }
    rows = _csv(client.get("/api/v1/reports/cycle-times/", {**PERIOD, "format": "csv"}))
    assert rows[-1] == {
        "month": "total",
        "orders_paid": "3",
        "average_days": "34.3",
        "median_days": "30.0",
        "p90_days": "49.2",
    }
    assert [row["month"] for row in rows] == ["2026-01", "2026-02", "2026-03", "2026-04", "total"]


def test_api_fulfilment(history, api_client_for):
    client = api_client_for("manager")
    body = client.get("/api/v1/reports/fulfilment/", PERIOD).json()
    assert body["total"]["on_time_rate"] == "33.3"
    assert body["total"]["order_fill_rate"] == "75.0"
    assert body["total"]["line_fill_rate"] == "91.7"
    assert body["total"]["ship_median_days"] == "2.5"
    assert body["total"]["quantity_ordered"] == "36.000"
    assert body["backorders"][0]["sku"] == "GADGET" and body["backorders"][0]["value"] == "75.00"
    assert body["backorder_total"] == {"orders": 2, "quantity": "4.000", "value": "75.00"}
    months_csv = _csv(client.get("/api/v1/reports/fulfilment/", {**PERIOD, "format": "csv"}))
    assert months_csv[-1]["month"] == "total" and months_csv[-1]["on_time_rate"] == "33.3"
    backorders_csv = _csv(
        client.get("/api/v1/reports/fulfilment/", {**PERIOD, "format": "csv", "table": "backorders"})
    )
    assert [(row["sku"], row["value"]) for row in backorders_csv] == [("GADGET", "75.00"), ("", "75.00")]


def test_api_credit_holds(history, api_client_for):
    client = api_client_for("finance")
    with on("2026-04-15"):
        body = client.get("/api/v1/reports/credit-holds/").json()
        rows = _csv(client.get("/api/v1/reports/credit-holds/", {"format": "csv"}))
    assert (body["count"], body["value"], body["average_days_on_hold"], body["max_days_on_hold"]) == (
        2,
        "1309.00",
        "39.0",
        "64.0",
    )
    assert body["orders"][0]["held_since"] == "2026-02-10T12:00:00Z"
    assert body["orders"][0]["days_on_hold"] == "64.0" and body["orders"][0]["total"] == "714.00"
    assert [row["days_on_hold"] for row in rows] == ["64.0", "14.0"]


def test_api_disputes(history, api_client_for):
    client = api_client_for("finance")
    body = client.get("/api/v1/reports/disputes/", PERIOD).json()
    assert body["as_of"] == "2026-04-15"
    assert [(age["bucket"], age["count"], age["amount"]) for age in body["ages"]] == [
        ("days_0_7", 1, "10.00"),
        ("days_8_30", 1, "20.00"),
        ("days_31_60", 1, "5.00"),
        ("days_over_60", 1, "30.00"),
    ]
    assert body["total"]["opened_amount"] == "133.00" and body["total"]["average_days_to_resolve"] == "10.0"
    assert body["reasons"][0]["label"] == "Price or discount"
    reasons = _csv(client.get("/api/v1/reports/disputes/", {**PERIOD, "format": "csv"}))
    assert [row["reason"] for row in reasons] == [
        "pricing",
        "quantity",
        "damaged",
        "not_received",
        "quality",
        "other",
        "total",
    ]
    ages = _csv(client.get("/api/v1/reports/disputes/", {**PERIOD, "format": "csv", "table": "ages"}))
    assert ages[-1] == {
        "as_of": "2026-04-15",
        "days_open": "Total",
        "disputes": "4",
        "amount": "65.00",
        "oldest_days": "73",
    }


def test_api_cash(history, api_client_for):
    client = api_client_for("finance")
    body = client.get("/api/v1/reports/cash/", PERIOD).json()
    assert body["total"] == {
        "payments": 6,
        "received": "547.00",
        "reversals": 1,
        "reversed": "100.00",
        "net_collected": "447.00",
        "refunds": "30.00",
    }
    week = next(week for week in body["weeks"] if week["week"] == "2026-W12")
    assert (week["week_start"], week["received"], week["net_collected"], week["partial"]) == (
        "2026-03-16",
        "219.00",
        "119.00",
        False,
    )
    rows = _csv(client.get("/api/v1/reports/cash/", {**PERIOD, "format": "csv"}))
    assert len(rows) == 17 and rows[-1]["net_collected"] == "447.00" and rows[0]["partial"] == "yes"


def test_api_sales(history, api_client_for):
    client = api_client_for("finance")
    body = client.get("/api/v1/reports/sales/", {**PERIOD, "by": "product"}).json()
    assert body["by"] == "product"
    assert body["total"]["net_sales"] == "421.39" and body["total"]["gross"] == "501.45"
    assert body["rows"][-1] == {
        "invoiced": "0.00",
        "credited": "33.61",
        "net_sales": "-33.61",
        "tax": "-6.39",
        "gross": "-40.00",
        "month": None,
        "id": None,
        "code": "",
        "name": "(not by product)",
    }
    by_month = client.get("/api/v1/reports/sales/", PERIOD).json()
    assert [row["month"] for row in by_month["rows"]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    rows = _csv(client.get("/api/v1/reports/sales/", {**PERIOD, "by": "customer", "format": "csv"}))
    assert rows[0] == {
        "customer_code": "ALPHA",
        "customer_name": "Alpha GmbH",
        "invoiced_net": "345.00",
        "credited_net": "53.61",
        "net_sales": "291.39",
        "tax": "55.36",
        "gross": "346.75",
    }
    assert rows[-1]["customer_code"] == "total" and rows[-1]["gross"] == "501.45"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "2000-01-01", "end": "2026-01-01"}, "start"),
    ],
)
def test_api_refuses_a_bad_period_naming_the_field(api_client_for, query, field):
    response = api_client_for("finance").get("/api/v1/reports/cash/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_api_refuses_an_unknown_sales_view(api_client_for):
    response = api_client_for("finance").get("/api/v1/reports/sales/", {"by": "region"})
    assert response.status_code == 400 and "by" in response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("role", "status"), [("sales", 403), ("warehouse", 403), ("finance", 200), ("manager", 200)]
)
def test_api_roles(api_client_for, endpoint, role, status):
    assert api_client_for(role).get(f"/api/v1/reports/{endpoint}/").status_code == status


def test_api_needs_a_token(client):
    assert client.get("/api/v1/reports/sales/").status_code in (401, 403)


def test_api_query_counts_do_not_grow_with_the_rows(api_client_for):
    client = api_client_for("finance")

    def counts() -> dict[str, int]:
        result = {}
        for endpoint in ENDPOINTS:
            for extra in ({}, {"format": "csv"}):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(f"/api/v1/reports/{endpoint}/", {**PERIOD, **extra}).status_code == 200
                result[f"{endpoint} {extra}"] = len(queries)
        return result

    empty = counts()
    build_history()
    assert counts() == empty
    assert max(empty.values()) <= 5  # token, roles, the report's statements (at most three)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_bounded_queries_with_several_rows(
    history, api_client_for, django_assert_max_num_queries, endpoint
):
    client = api_client_for("finance")
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/reports/{endpoint}/", {**PERIOD, "by": "product"}).status_code == 200


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
            "order,customer_code,customer_name,order_date,held_since,days_on_hold,currency,total,reason",
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
def test_pages_export_csv(history, finance_client, endpoint, query, first_line):
    response = finance_client.get(f"/reports/{endpoint}/", {**query, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == first_line
    assert len(lines) > 2


def test_page_csv_matches_the_api_csv(history, finance_client, api_client_for):
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
