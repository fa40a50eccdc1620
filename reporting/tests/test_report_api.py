"""The report API (API.md, ledger and reports) on the hand-computed history of test_aging_and_dso
(docs/kpi-formulas.md walks through the same figures): the figures, CSV, bad parameters, roles,
query counts and the OpenAPI schema."""

import csv
import io
from datetime import date

import pytest

from reporting.tests import test_aging_and_dso as hand_computed
from reporting.tests.test_aging_and_dso import on, pay
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
history = hand_computed.history  # the fixture: the history computed by hand


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def header_of(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()[0].split(",")


@pytest.fixture
def finance(api_client_for):
    return api_client_for("finance")


def test_aging_on_the_tenth_of_march(history, finance):
    body = finance.get("/api/v1/reports/aging/?as_of=2026-03-10&sort=code").json()
    assert body["as_of"] == "2026-03-10"
    assert body["buckets"] == {
        "current": "300.00",
        "days_1_30": "400.00",
        "days_31_60": "600.00",
        "days_61_90": "0.00",
        "days_over_90": "0.00",
    }
    assert (body["disputed"], body["unapplied"], body["total"]) == ("100.00", "80.00", "1320.00")
    assert body["customers"] == [
        {
            "customer": history["a"].pk,
            "code": "A",
            "name": history["a"].name,
            "current": "300.00",
            "days_1_30": "400.00",
            "days_31_60": "600.00",
            "days_61_90": "0.00",
            "days_over_90": "0.00",
            "disputed": "100.00",
            "unapplied": "0.00",
            "total": "1400.00",
        },
        {
            "customer": history["b"].pk,
            "code": "B",
            "name": history["b"].name,
            "current": "0.00",
            "days_1_30": "0.00",
            "days_31_60": "0.00",
            "days_61_90": "0.00",
            "days_over_90": "0.00",
            "disputed": "0.00",
            "unapplied": "80.00",
            "total": "-80.00",
        },
    ]


@pytest.mark.parametrize(
    ("as_of", "buckets", "disputed", "unapplied", "total"),
    [
        ("2025-12-31", ("0.00", "0.00", "0.00", "0.00", "0.00"), "0.00", "0.00", "0.00"),
        ("2026-03-31", ("300.00", "200.00", "0.00", "0.00", "0.00"), "100.00", "80.00", "520.00"),
        ("2026-05-10", ("0.00", "0.00", "250.00", "100.00", "0.00"), "0.00", "30.00", "320.00"),
    ],
)
def test_aging_as_of_other_dates(history, finance, as_of, buckets, disputed, unapplied, total):
    body = finance.get(f"/api/v1/reports/aging/?as_of={as_of}").json()
    assert tuple(body["buckets"].values()) == buckets
    assert (body["disputed"], body["unapplied"], body["total"]) == (disputed, unapplied, total)


def test_aging_defaults_to_today_and_sorts_by_total(history, finance):
    with on("2026-03-31"):
        body = finance.get("/api/v1/reports/aging/").json()
    assert body["as_of"] == "2026-03-31"
    assert [row["code"] for row in body["customers"]] == ["A", "B"]  # -total: 600.00, then -80.00
    ascending = finance.get("/api/v1/reports/aging/?as_of=2026-03-31&sort=total").json()
    assert [row["code"] for row in ascending["customers"]] == ["B", "A"]


def test_aging_csv_has_one_line_per_customer(history, finance):
    rows = read_csv(finance.get("/api/v1/reports/aging/?as_of=2026-03-10&sort=code&format=csv"))
    assert list(rows[0]) == [
        "customer",
        "code",
        "name",
        "current",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_over_90",
        "disputed",
        "unapplied",
        "total",
    ]
    assert [(row["code"], row["days_31_60"], row["unapplied"], row["total"]) for row in rows] == [
        ("A", "600.00", "0.00", "1400.00"),
        ("B", "0.00", "80.00", "-80.00"),
    ]
    assert rows[0]["customer"] == str(history["a"].pk)


def test_an_empty_aging_csv_still_has_its_header(finance):
    response = finance.get("/api/v1/reports/aging/?format=csv")
    assert header_of(response)[:3] == ["customer", "code", "name"]


def test_dso_at_the_end_of_march(history, finance):
    body = finance.get("/api/v1/reports/dso/?as_of=2026-03-31").json()
    assert body == {
        "as_of": "2026-03-31",
        "days": 90,
        "period_start": "2026-01-01",
        "standard_dso": "31.8",  # 600 / 1700 × 90
        "countback_dso": "53.4",  # March 31 days + February 400 / 500 × 28
        "best_possible_dso": "15.9",  # 300 / 1700 × 90
        "average_days_delinquent": "15.9",
        "receivables": "600.00",
        "current_receivables": "300.00",
        "credit_sales": "1700.00",
    }


def test_dso_over_another_window_and_without_sales(history, finance):
    body = finance.get("/api/v1/reports/dso/?as_of=2026-03-31&days=31").json()
    # March alone: sales 300 − 100 (credit note) = 200; 600 / 200 × 31 = 93.0
    assert (body["credit_sales"], body["standard_dso"], body["period_start"]) == (
        "200.00",
        "93.0",
        "2026-03-01",
    )
    empty = finance.get("/api/v1/reports/dso/?as_of=2025-12-31").json()
    assert (empty["standard_dso"], empty["best_possible_dso"], empty["average_days_delinquent"]) == (
        None,
        None,
        None,
    )


def test_dso_csv(history, finance):
    [row] = read_csv(finance.get("/api/v1/reports/dso/?as_of=2026-03-31&format=csv"))
    assert list(row)[:4] == ["as_of", "days", "period_start", "standard_dso"]
    assert (row["standard_dso"], row["countback_dso"], row["receivables"], row["credit_sales"]) == (
        "31.8",
        "53.4",
        "600.00",
        "1700.00",
    )


def test_kpis_at_the_end_of_march(history, finance):
    body = finance.get("/api/v1/reports/kpis/?as_of=2026-03-31").json()
    assert {
        name: body[name]
        for name in (
            "dso",
            "countback_dso",
            "cei",
            "average_days_delinquent",
            "receivables",
            "overdue",
            "overdue_percent",
            "disputed",
            "unapplied",
            "credit_sales",
            "o2c_cycle_days_median",
            "on_time_delivery_rate",
            "orders_on_hold",
        )
    } == {
        "dso": "31.8",
        "countback_dso": "53.4",
        "cei": "78.6",  # (0 + 1700 − 600) / (0 + 1700 − 300)
        "average_days_delinquent": "15.9",
        "receivables": "600.00",
        "overdue": "200.00",
        "overdue_percent": "33.3",
        "disputed": "100.00",
        "unapplied": "80.00",
        "credit_sales": "1700.00",
        "o2c_cycle_days_median": "78.0",
        "on_time_delivery_rate": None,
        "orders_on_hold": 0,
    }
    assert (body["as_of"], body["days"]) == ("2026-03-31", 90)


def test_kpis_csv(history, finance):
    [row] = read_csv(finance.get("/api/v1/reports/kpis/?as_of=2026-03-31&format=csv"))
    assert {"dso", "cei", "average_days_delinquent", "receivables", "overdue", "overdue_percent"} <= set(row)
    assert {"o2c_cycle_days_median", "on_time_delivery_rate", "orders_on_hold"} <= set(row)
    assert (row["dso"], row["cei"], row["on_time_delivery_rate"]) == ("31.8", "78.6", "")


@pytest.mark.parametrize(
    ("url", "field", "code"),
    [
        ("/api/v1/reports/aging/?as_of=2026-13-01", "as_of", "invalid_date"),
        ("/api/v1/reports/aging/?as_of=yesterday", "as_of", "invalid_date"),
        ("/api/v1/reports/aging/?as_of=0001-01-01", "as_of", "date_out_of_range"),
        ("/api/v1/reports/aging/?sort=bogus", "sort", "invalid_choice"),
        ("/api/v1/reports/dso/?as_of=2026-02-30", "as_of", "invalid_date"),
        ("/api/v1/reports/dso/?days=0", "days", "min_value"),
        ("/api/v1/reports/dso/?days=ninety", "days", "invalid"),
        ("/api/v1/reports/dso/?days=100000", "days", "max_value"),
        ("/api/v1/reports/kpis/?as_of=9999-12-31", "as_of", "date_out_of_range"),
        ("/api/v1/reports/kpis/?days=-5", "days", "min_value"),
        ("/api/v1/reports/kpis/?as_of=2026-1-1x&format=csv", "as_of", "invalid_date"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(finance, url, field, code):
    response = finance.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")  # also when CSV was asked for
    assert response.json() == {field: response.json()[field], "code": code}


@pytest.mark.parametrize("path", ["aging", "dso", "kpis"])
def test_reports_are_for_finance_and_managers(api_client_for, path):
    url = f"/api/v1/reports/{path}/"
    for role in ("sales", "warehouse"):
        assert api_client_for(role).get(url).status_code == 403
    for role in ("finance", "manager", "admin"):
        assert api_client_for(role).get(url).status_code == 200
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code == 401


def test_the_report_endpoints_run_a_bounded_number_of_queries(finance, django_assert_max_num_queries):
    def customers_owing(count: int, start: int):
        with on("2026-02-01"):
            for n in range(start, start + count):
                customer = a_customer(code=f"C{n:03}", payment_terms_days=30)
                an_invoice(customer, "100.00")
                pay(customer, "30.00", "2026-02-01", reference=f"part {n}")

    customers_owing(2, 0)
    counts = {}
    for path in ("aging", "dso", "kpis"):
        with django_assert_max_num_queries(20) as few:
            assert finance.get(f"/api/v1/reports/{path}/?as_of=2026-03-31").status_code == 200
        counts[path] = len(few.captured_queries)
    customers_owing(12, 2)
    for path in ("aging", "dso", "kpis"):
        with django_assert_max_num_queries(counts[path]):
            response = finance.get(f"/api/v1/reports/{path}/?as_of=2026-03-31")
        assert response.status_code == 200
    assert len(finance.get("/api/v1/reports/aging/?as_of=2026-03-31").json()["customers"]) == 14


def test_the_schema_documents_the_report_endpoints(finance):
    schema = finance.get("/api/schema/?format=json").json()
    aging = schema["paths"]["/api/v1/reports/aging/"]["get"]
    assert {p["name"] for p in aging["parameters"]} >= {"as_of", "sort", "format"}
    assert "400" in aging["responses"]
    dso = schema["paths"]["/api/v1/reports/dso/"]["get"]
    assert {p["name"] for p in dso["parameters"]} >= {"as_of", "days"}
    kpis = schema["paths"]["/api/v1/reports/kpis/"]["get"]
    assert {p["name"] for p in kpis["parameters"]} >= {"as_of", "days"}
    components = schema["components"]["schemas"]
    assert {"current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"} <= set(
        components["AgingBucketsOut"]["properties"]
    )
    assert {"standard_dso", "countback_dso", "receivables", "credit_sales"} <= set(
        components["DSOOut"]["properties"]
    )
    assert {"dso", "cei", "orders_on_hold"} <= set(components["KPIsOut"]["properties"])


def test_as_of_in_the_past_reads_the_documents_dates_not_todays_balances(history, finance):
    # everything of A is settled or disputed today; on 02-15 I1 was 600 overdue and I2 current
    body = finance.get(f"/api/v1/reports/aging/?as_of={date(2026, 2, 15).isoformat()}").json()
    assert (body["buckets"]["current"], body["buckets"]["days_1_30"], body["total"]) == (
        "500.00",
        "600.00",
        "1100.00",
    )
