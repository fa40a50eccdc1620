"""The list component (o2c/tables.py, decision 0035) on every list page: each sorts by every
sortable column from a link in its header, has a labelled search box or filter bar, exports CSV
and XLSX in the page's filter, and costs the same number of queries with one row as with many."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from o2c import pipeline
from o2c.xlsx import xlsx_cell
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

pytestmark = pytest.mark.django_db

# (url, role) of the list pages on the component
LIST_PAGES = [
    ("/orders/", "sales"),
    ("/customers/", "sales"),
    ("/inventory/products/", "sales"),
    ("/inventory/stock/", "warehouse"),
    ("/inventory/moves/", "warehouse"),
    ("/credit/holds/", "finance"),
    ("/warehouse/", "warehouse"),
    ("/warehouse/shipments/", "warehouse"),
    ("/invoices/", "finance"),
    ("/invoices/credit-notes/", "finance"),
    ("/ledger/journal/", "finance"),
    ("/cash/payments/", "finance"),
    ("/cash/disputes/", "finance"),
    ("/cash/bank/", "finance"),
    ("/cash/dunning/notices/", "finance"),
]
# lists whose rows take more than a round of documents to build (a statement file, a dunning run):
# their cost is checked with no rows here and with rows by their own tests
NOT_BUILT = {"/cash/bank/", "/cash/dunning/notices/"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def browser_for(make_user):
    """A signed-in browser per role (one user each)."""
    clients: dict[str, Client] = {}

    def signed_in(role: str) -> Client:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(make_user(role, f"lists-{role}"))
        return clients[role]

    return signed_in


def a_round_of_documents() -> None:
    """One of each row the lists show: a stocked product, an order held, one picked, one waiting
    to be picked, an invoice credited."""
    goods = a_product()
    stock(goods, "100")
    an_order(a_customer(credit_limit="0.00"), line(goods, "1"), submit=True)  # held
    picked = an_order(a_customer(), line(goods, "2"), submit=True)
    an_order(a_customer(), line(goods, "1"), submit=True)  # waits in the pick queue
    pipeline.shipment_create(order_id=picked.pk, lines=None, by=None)
    buyer = a_customer()
    invoice = an_invoice(buyer, "50.00")
    pipeline.credit_note_issue(invoice_id=invoice.pk, reason="returned", by=None)
    disputed = an_invoice(buyer, "80.00")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="30.00", reason="damaged", by=None)
    pipeline.payment_record(customer_id=buyer.pk, amount="20.00", received_on=timezone.localdate())


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_every_list_page_costs_the_same_queries_with_one_row_and_with_many(
    browser_for, django_assert_max_num_queries
):
    a_round_of_documents()
    clients = {role: browser_for(role) for role in {role for _, role in LIST_PAGES}}
    for url, role in LIST_PAGES:
        queries_of(clients[role], url)  # warm: session, permissions
    with_one = {url: queries_of(clients[role], url) for url, role in LIST_PAGES}
    for _ in range(4):
        a_round_of_documents()
    for url, role in LIST_PAGES:
        with django_assert_max_num_queries(12):
            response = clients[role].get(url)
        assert response.status_code == 200
        assert url in NOT_BUILT or len(response.context["page"]) > 1, url
        assert queries_of(clients[role], url) == with_one[url], url


@pytest.mark.parametrize(("url", "role"), LIST_PAGES)
def test_every_column_sorts_from_a_header_link_both_ways(browser_for, url, role):
    a_round_of_documents()
    client = browser_for(role)
    table = client.get(url).context["table"]
    sortable = [column.name for column in table.columns if column.orderable]
    assert sortable, url
    for name in sortable:
        for sort in (name, f"-{name}"):
            page = client.get(url, {"sort": sort})
            assert page.status_code == 200, (url, sort)
            assert 'aria-sort="' in page.text, (url, sort)
            assert f'href="?sort={"-" if sort == name else ""}{name}"' in page.text, (url, sort)
    assert client.get(url, {"sort": "no-such-column"}).status_code == 200
    assert client.get(url, {"sort": "\x00"}).status_code == 200


@pytest.mark.parametrize(("url", "role"), LIST_PAGES)
def test_every_list_has_a_labelled_filter_bar_and_the_same_empty_state(browser_for, url, role):
    page = browser_for(role).get(url)
    html = page.text
    assert 'class="list-empty"' in html  # nothing yet: the shared empty state
    filters = page.context["filters"]
    if filters is not None:
        for field in filters.visible_fields():
            assert re.search(rf'<label class="[^"]*" for="{field.id_for_label}">', html), (url, field.name)
    assert "export=csv" in html and "export=xlsx" in html


@pytest.mark.parametrize(("url", "role"), LIST_PAGES)
def test_every_list_exports_csv_and_xlsx_with_the_same_header(browser_for, url, role):
    client = browser_for(role)
    csv_response = client.get(url, {"export": "csv"})
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    csv_header = b"".join(csv_response.streaming_content).decode().splitlines()[0].split(",")
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert "attachment;" in xlsx["Content-Disposition"] and ".xlsx" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == csv_header


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.example","pay here")', "+1", "-1", "@SUM(A1:A9)", "-2+3"]
)
def test_an_xlsx_export_keeps_a_formula_like_name_as_text(browser_for, name):
    a_customer(code="EVIL1", name=name, credit_limit="1500.00")
    response = browser_for("sales").get("/customers/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    cell = row[header.index("name")]
    assert cell.data_type == "s"  # a string cell: a spreadsheet never runs it
    assert cell.value == name
    assert cell.quotePrefix  # and stays text when someone edits it
    limit = row[header.index("credit_limit")]
    assert limit.data_type == "n" and Decimal(str(limit.value)) == Decimal("1500.00")


def test_the_orders_xlsx_follows_the_filter_and_the_sort(browser_for):
    goods = a_product(sku="LIST-3", price="10.00")
    stock(goods, "100")
    small = an_order(a_customer(code="ACME"), line(goods, "1"))
    big = an_order(a_customer(code="BOLT"), line(goods, "5"))
    an_order(a_customer(code="ZED"), line(goods, "3"))
    client = browser_for("sales")
    response = client.get("/orders/", {"export": "xlsx", "sort": "total", "customer": "acme bolt"[:4]})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [small.number]
    response = client.get("/orders/", {"export": "xlsx", "sort": "-total"})
    numbers = [
        row[0]
        for row in list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    ]
    assert numbers[0] == big.number and numbers[-1] == small.number


def test_an_xlsx_cell_leaves_out_what_a_workbook_cannot_hold():
    sheet = Workbook(write_only=True).create_sheet("x")
    cell = xlsx_cell(sheet, "=1+1\x00\x07")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    assert xlsx_cell(sheet, Decimal("-12.50")) == Decimal("-12.50")
    assert xlsx_cell(sheet, None) is None
    assert xlsx_cell(sheet, True) == "yes"
    plain = xlsx_cell(sheet, "Acme = good")
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("Acme = good", "s", False)
