"""The financial report pages on the hand-computed history of test_aging_and_dso: the index, the
aging (sort, search, pages, the whole total, CSV, the bar), the drill-down, DSO and CEI with the
figures behind them, the KPI tiles; bad parameters, roles and query counts."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from reporting.dso import COUNTBACK_MAX_MONTHS, countback_walk
from reporting.tests import test_aging_and_dso as hand_computed
from reporting.tests.test_aging_and_dso import on, pay
from tests.builders import a_customer

pytestmark = pytest.mark.django_db
history = hand_computed.history  # the fixture: the history computed by hand
D = Decimal


@pytest.fixture
def finance(client, make_user):
    client.force_login(make_user("finance"))
    return client


def text_of(html: str) -> str:
    """The page's text, tags and repeated blanks out, for asserting on what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def section(html: str, testid: str) -> str:
    """The text of the table row (or other element) marked `testid`."""
    return text_of(re.search(rf'<(\w+)[^>]*data-testid="{testid}".*?</\1>', html, re.S).group(0))


def row_codes(response) -> list[str]:
    return re.findall(r'data-testid="aging-row" data-customer="([^"]+)"', response.text)


def test_the_index_links_every_report(finance):
    page = finance.get("/reports/")
    assert page.status_code == 200
    for name in (
        "reporting:aging",
        "reporting:dso",
        "reporting:kpis",
        "reporting:cash-forecast",
        "ledger:trial-balance",
        "ledger:journal",
    ):
        assert f'href="{reverse(name)}"' in page.text, name
    for path in ("cycle-times", "fulfilment", "credit-holds", "disputes", "cash", "sales"):
        assert f'href="/reports/{path}/"' in page.text, path


def test_the_aging_on_the_tenth_of_march(history, finance):
    page = finance.get("/reports/aging/?as_of=2026-03-10&sort=code")
    assert page.status_code == 200
    assert row_codes(page) == ["A", "B"]
    text = text_of(page.text)
    # A: current 300, 1–30 400, 31–60 600, disputed 100, total 1,400; B: unapplied −80
    assert "A Customer A 300.00 400.00 600.00 – – 100.00 – 1,400.00" in text.replace(
        history["a"].name, "Customer A"
    )
    assert "−80.00 -80.00" in text
    total = section(page.text, "aging-total")
    assert total == " Total, all customers 300.00 400.00 600.00 0.00 0.00 100.00 −80.00 1,320.00 "
    drill = reverse("reporting:aging-customer", args=[history["a"].pk])
    assert f'href="{drill}?as_of=2026-03-10"' in page.text
    # the bar: 1,400 open — current 21.4 %, 1–30 28.6 %, 31–60 42.9 %, disputed 7.1 %
    bar = re.search(r'data-testid="aging-bar".*?</div>\s*<ul', page.text, re.S).group(0)
    assert re.findall(r'data-bucket="(\w+)"', bar) == ["current", "days_1_30", "days_31_60", "disputed"]
    # widths are whole-percent classes (static/css/percent.css; the CSP allows no style attribute)
    assert re.findall(r"pct-(\d+)", bar) == ["21", "29", "43", "7"]
    assert "style=" not in bar


def test_the_aging_is_as_of_today_unless_asked(history, finance):
    with on("2026-03-31"):
        page = finance.get("/reports/aging/")
    assert 'value="2026-03-31"' in page.text
    assert "as of 2026-03-31" in page.text
    assert re.search(r'data-testid="grand-total">520.00<', page.text)


def test_the_headers_sort_the_table_on_the_server(history, finance):
    page = finance.get("/reports/aging/?as_of=2026-03-10")
    assert row_codes(page) == ["A", "B"]  # by total, largest first
    assert re.search(r'aria-sort="descending">\s*<a href="\?as_of=2026-03-10&amp;sort=total"', page.text)
    assert 'href="?as_of=2026-03-10&amp;sort=code"' in page.text  # text columns A to Z first
    assert 'href="?as_of=2026-03-10&amp;sort=-unapplied"' in page.text  # amounts largest first
    assert row_codes(finance.get("/reports/aging/?as_of=2026-03-10&sort=total")) == ["B", "A"]
    assert row_codes(finance.get("/reports/aging/?as_of=2026-03-10&sort=-unapplied")) == ["B", "A"]
    assert row_codes(finance.get("/reports/aging/?as_of=2026-03-10&sort=-code")) == ["B", "A"]
    assert row_codes(finance.get("/reports/aging/?as_of=2026-03-10&sort=nonsense")) == ["A", "B"]


def test_the_search_keeps_the_whole_total(history, finance):
    page = finance.get("/reports/aging/?as_of=2026-03-10&q=b")
    assert row_codes(page) == ["B"]
    matching = section(page.text, "matching-total")
    assert matching.split()[:2] == ["1", "matching"] and matching.split()[-1] == "-80.00"
    assert re.search(r'data-testid="aging-total".*?1,320.00', page.text, re.S)
    nothing = finance.get("/reports/aging/?as_of=2026-03-10&q=zzz")
    assert "No customer matches" in nothing.text and row_codes(nothing) == []


def test_the_aging_csv_is_the_table_searched_and_sorted(history, finance):
    rows = csv_rows(finance.get("/reports/aging/?as_of=2026-03-10&sort=code&format=csv"))
    api = finance.get("/api/v1/reports/aging/?as_of=2026-03-10&sort=code&format=csv")
    assert b"".join(api.streaming_content).decode().splitlines()[0].split(",") == list(
        rows[0]
    )  # as the API's
    assert [(row["code"], row["current"], row["disputed"], row["total"]) for row in rows] == [
        ("A", "300.00", "100.00", "1400.00"),
        ("B", "0.00", "0.00", "-80.00"),
    ]
    searched = csv_rows(finance.get("/reports/aging/?as_of=2026-03-10&q=A&export=csv"))
    assert [row["code"] for row in searched] == ["A"]


def many_customers(count: int, start: int = 0) -> None:
    """`count` customers, each with 10.00 of unapplied cash received on 2026-03-01."""
    with on("2026-03-01"):
        for n in range(start, start + count):
            pay(a_customer(code=f"M{n:03}", name=f"Many {n}"), "10.00", "2026-03-01", reference=f"m{n}")


def test_fifty_customers_a_page_and_the_total_of_all(finance, django_assert_max_num_queries):
    many_customers(3)
    with django_assert_max_num_queries(12) as few:
        assert finance.get("/reports/aging/?as_of=2026-03-31&sort=code").status_code == 200
    many_customers(52, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = finance.get("/reports/aging/?as_of=2026-03-31&sort=code")
    assert len(row_codes(first)) == 50 and row_codes(first)[0] == "M000"
    assert "Page 1 of 2" in first.text
    second = finance.get("/reports/aging/?as_of=2026-03-31&sort=code&page=2")
    assert row_codes(second) == ["M050", "M051", "M052", "M053", "M054"]
    for page in (first, second):  # the whole total on every page: 55 × −10.00
        assert re.search(r'data-testid="aging-total".*?−550.00.*?-550.00', page.text, re.S)
    assert len(csv_rows(finance.get("/reports/aging/?as_of=2026-03-31&format=csv"))) == 55


def test_the_drill_down_shows_the_invoices_open_then(history, finance):
    a, i1, i2, i3 = history["a"], history["i1"], history["i2"], history["i3"]
    page = finance.get(f"/reports/aging/customers/{a.pk}/?as_of=2026-03-10")
    assert page.status_code == 200
    assert re.findall(r'data-testid="aging-invoice" data-bucket="(\w+)"', page.text) == [
        "days_31_60",
        "days_1_30",
        "current",
    ]
    for invoice in (i1, i2, i3):
        assert f'href="{reverse("invoicing:detail", args=[invoice.pk])}"' in page.text
    text = text_of(page.text)
    assert f"{i1.number} 2026-01-01 2026-01-31 38 31–60 1,000.00" in text
    assert "due in 21 d" in text  # I3, due 03-31
    assert re.search(r'data-testid="customer-total">1,400.00 ', page.text)
    invoices_total = section(page.text, "invoices-total")
    assert invoices_total.split() == ["3", "open", "invoices", "100.00", "1,400.00"]


def test_the_drill_down_of_a_customer_with_only_cash(history, finance):
    page = finance.get(f"/reports/aging/customers/{history['b'].pk}/?as_of=2026-03-10")
    assert "No invoice of B was open on 2026-03-10" in page.text
    assert re.search(r'data-testid="customer-total">-80.00 ', page.text)
    assert finance.get("/reports/aging/customers/999999/").status_code == 404


def test_the_drill_down_csv(history, finance):
    rows = csv_rows(finance.get(f"/reports/aging/customers/{history['a'].pk}/?as_of=2026-03-10&format=csv"))
    assert list(rows[0]) == [
        "invoice",
        "number",
        "issue_date",
        "due_date",
        "days_past_due",
        "bucket",
        "currency",
        "total",
        "balance",
        "disputed",
        "undisputed",
    ]
    assert [
        (row["days_past_due"], row["bucket"], row["balance"], row["disputed"], row["undisputed"])
        for row in rows
    ] == [
        ("38", "days_31_60", "600.00", "0.00", "600.00"),
        ("7", "days_1_30", "500.00", "100.00", "400.00"),
        ("-21", "current", "300.00", "0.00", "300.00"),
    ]


def test_the_dso_page_shows_each_figure_and_what_went_into_it(history, finance):
    page = finance.get("/reports/dso/?as_of=2026-03-31")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "600.00 ÷ 1,700.00 × 90 31.8 days" in text  # standard
    assert "Best possible DSO = 300.00 ÷ 1,700.00 × 90 15.9 days" in text
    assert "Average days delinquent = 31.8 − 15.9 15.9 days" in text
    # count-back: March whole (sales 200, 600 left), February 400 ÷ 500 × 28 = 22.4
    assert "2026-03-01 – 2026-03-31 200.00 600.00 31" in text
    assert "2026-02-01 – 2026-02-28 500.00 400.00 22.4 400.00 ÷ 500.00 × 28" in text
    assert "Count-back DSO 53.4 days" in text
    # CEI over the DSO window by default: (0 + 1,700 − 600) ÷ (0 + 1,700 − 300)
    assert "CEI = 1,100.00 ÷ 1,400.00 × 100 78.6 %" in text
    assert "(the DSO window)" in text
    for tile, value in [("standard-dso", "31.8"), ("countback-dso", "53.4"), ("cei", "78.6")]:
        assert re.search(rf'data-testid="{tile}-value">{value} <span class="unit">', page.text), tile


def test_the_cei_for_march(history, finance):
    text = text_of(finance.get("/reports/dso/?as_of=2026-03-31&cei_from=2026-03-01&cei_to=2026-03-31").text)
    assert "Beginning receivables (on 2026-02-28) 1,100.00" in text
    assert "Collected = 1,100.00 + 200.00 − 600.00 700.00" in text
    assert "Collectible = 1,100.00 + 200.00 − 300.00 1,000.00" in text
    assert "CEI = 700.00 ÷ 1,000.00 × 100 70.0 %" in text


def test_the_count_back_walk_shown_is_the_one_computed(history):
    from reporting.dso import dso_report

    for day in (date(2026, 2, 15), date(2026, 3, 10), date(2026, 3, 31), date(2026, 5, 10)):
        figures = dso_report(as_of=day)
        months = countback_walk(as_of=day, receivables=figures.receivables, batch_months=COUNTBACK_MAX_MONTHS)
        assert sum((month.days for month in months), D(0)).quantize(D("0.1")) == figures.countback_dso, day


def test_the_dso_csv(history, finance):
    rows = {
        row["figure"]: row["value"]
        for row in csv_rows(finance.get("/reports/dso/?as_of=2026-03-31&format=csv"))
    }
    assert (rows["standard_dso"], rows["countback_dso"], rows["best_possible_dso"], rows["cei"]) == (
        "31.8",
        "53.4",
        "15.9",
        "78.6",
    )
    assert (rows["receivables"], rows["credit_sales"], rows["cei_from"]) == (
        "600.00",
        "1700.00",
        "2026-01-01",
    )


def test_the_kpi_tiles(history, finance):
    page = finance.get("/reports/kpis/?as_of=2026-03-31")
    assert page.status_code == 200
    for tile, value in [
        ("dso", "31.8"),
        ("countback-dso", "53.4"),
        ("average-days-delinquent", "15.9"),
        ("cei", "78.6"),
        ("receivables", "600.00"),
        ("overdue", "200.00"),
        ("o2c-median", "78.0"),
        ("orders-on-hold", "0"),
    ]:
        assert re.search(rf'data-testid="{tile}-value">{value}\b', page.text), tile
    assert "33.3 % of receivables" in page.text
    assert re.search(r'data-testid="on-time-value"><span class="text-secondary">—', page.text)
    rows = {
        row["figure"]: row["value"]
        for row in csv_rows(finance.get("/reports/kpis/?as_of=2026-03-31&format=csv"))
    }
    assert (rows["dso"], rows["cei"], rows["overdue_percent"], rows["on_time_delivery_rate"]) == (
        "31.8",
        "78.6",
        "33.3",
        "",
    )


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/reports/aging/?as_of=2026-02-30", "as_of", "Enter a valid date."),
        ("/reports/aging/?as_of=1066-10-14", "as_of", "Enter a date between 1900 and 2200."),
        ("/reports/dso/?days=0", "days", "greater than or equal to 1"),
        ("/reports/dso/?days=abc", "days", "Enter a whole number."),
        ("/reports/dso/?as_of=2026-03-31&cei_from=2026-04-01", "cei_from", "start on or before its last day"),
        (
            "/reports/dso/?cei_from=2026-03-31&cei_to=2026-03-01",
            "cei_from",
            "start on or before its last day",
        ),
        ("/reports/kpis/?days=99999", "days", "less than or equal to 3650"),
        ("/reports/aging/customers/{a}/?as_of=31.03.2026", "as_of", "Enter a valid date."),
    ],
)
def test_a_bad_parameter_is_named_next_to_its_field(history, finance, url, field, message):
    response = finance.get(url.format(a=history["a"].pk))
    assert response.status_code == 400
    error = re.search(rf'id="id_{field}-errors" data-testid="field-error">([^<]*)<', response.text)
    assert error and message in error.group(1)
    assert f'id="id_{field}"' in response.text and "is-invalid" in response.text


PAGES = ["/reports/", "/reports/aging/", "/reports/dso/", "/reports/kpis/", "/reports/cash-forecast/"]


def test_reports_are_for_finance_and_managers(client, make_user, history):
    pages = [*PAGES, f"/reports/aging/customers/{history['a'].pk}/"]
    for role in ("sales", "warehouse"):
        client.force_login(make_user(role))
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
            assert client.get(f"{url}?format=csv").status_code == 403, (role, url)
    for role in ("finance", "manager"):
        client.force_login(make_user(role))
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    client.logout()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_pages_run_a_fixed_number_of_queries(finance, django_assert_max_num_queries):
    many_customers(2)
    counts = {}
    for url in PAGES:
        with django_assert_max_num_queries(30) as few:
            assert finance.get(f"{url}?as_of=2026-03-31").status_code == 200
        counts[url] = len(few.captured_queries)
    many_customers(20, start=2)
    for url in PAGES:
        with django_assert_max_num_queries(counts[url]):
            assert finance.get(f"{url}?as_of=2026-03-31").status_code == 200
