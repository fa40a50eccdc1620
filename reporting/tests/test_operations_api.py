"""The operational report API (reporting/operations/api) against the history of
operations_history.py: figures, CSV, bad input, roles, bounded queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.tests.operations_history import build_history, csv_of, on

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


# ── API ────────────────────────────────────────────────────────────────────────────────────────


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
    rows = csv_of(client.get("/api/v1/reports/cycle-times/", {**PERIOD, "format": "csv"}))
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
    months_csv = csv_of(client.get("/api/v1/reports/fulfilment/", {**PERIOD, "format": "csv"}))
    assert months_csv[-1]["month"] == "total" and months_csv[-1]["on_time_rate"] == "33.3"
    backorders_csv = csv_of(
        client.get("/api/v1/reports/fulfilment/", {**PERIOD, "format": "csv", "table": "backorders"})
    )
    assert [(row["sku"], row["value"]) for row in backorders_csv] == [("GADGET", "75.00"), ("", "75.00")]


def test_api_credit_holds(history, api_client_for):
    client = api_client_for("finance")
    with on("2026-04-15"):
        body = client.get("/api/v1/reports/credit-holds/").json()
        rows = csv_of(client.get("/api/v1/reports/credit-holds/", {"format": "csv"}))
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
    reasons = csv_of(client.get("/api/v1/reports/disputes/", {**PERIOD, "format": "csv"}))
    assert [row["reason"] for row in reasons] == [
        "pricing",
        "quantity",
        "damaged",
        "not_received",
        "quality",
        "other",
        "total",
    ]
    ages = csv_of(client.get("/api/v1/reports/disputes/", {**PERIOD, "format": "csv", "table": "ages"}))
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
    rows = csv_of(client.get("/api/v1/reports/cash/", {**PERIOD, "format": "csv"}))
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
    rows = csv_of(client.get("/api/v1/reports/sales/", {**PERIOD, "by": "customer", "format": "csv"}))
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
