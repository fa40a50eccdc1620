"""Every CSV the application writes goes through o2c/csv.py: cells a spreadsheet would run as a
formula are neutralised (OWASP CSV injection), numbers stay numbers, and an empty CSV still has
its header row and its Content-Type."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from ledger import services
from ledger.services import LineSpec
from o2c.csv import csv_cell
from tests.builders import a_customer

ROOT = Path(__file__).resolve().parents[2]
CSV_TYPE = "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("--x", "'--x"),
        ("-1e3", "'-1e3"),
        ("-12.50", "-12.50"),  # a negative amount written as text stays a number
        ("-3", "-3"),
        (Decimal("-250.00"), Decimal("-250.00")),
        (-7, -7),
        ("Acme = good", "Acme = good"),
        ("2026-04-30", "2026-04-30"),
        ("", ""),
        (None, ""),
        (True, "True"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers(value, cell):
    assert csv_cell(value) == cell


def test_no_csv_writer_outside_o2c_csv():
    """One place writes CSV: a `csv.writer(` or `csv.DictWriter(` anywhere else bypasses the
    neutralising of cells."""
    pattern = re.compile(r"\bcsv\.(writer|DictWriter)\(|from csv import .*\b(writer|DictWriter)\b")
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or relative.parts[0] in ("node_modules", "build"):
            continue
        if relative in (Path("o2c/csv.py"), Path("tests/kernel/test_csv.py")):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "write CSV through o2c.csv (csv_response, csv_writer, csv_table):\n" + "\n".join(
        offenders
    )


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.django_db
def test_a_page_export_neutralises_a_customer_name_and_keeps_amounts(client, make_user):
    a_customer(code="EVIL1", name='=HYPERLINK("http://x.example","pay here")', credit_limit="-0.00")
    client.force_login(make_user("sales"))
    response = client.get("/customers/?export=csv")
    assert response["Content-Type"] == CSV_TYPE
    [header, row] = rows_of(b"".join(response.streaming_content))
    assert row[header.index("name")] == '\'=HYPERLINK("http://x.example","pay here")'
    assert row[header.index("code")] == "EVIL1"


@pytest.mark.django_db
def test_the_api_csv_neutralises_a_memo_and_keeps_negative_numbers(api_client_for):
    services.journal_entry_post(
        entry_date=timezone.localdate(),
        memo="@SUM(A1:A9)",
        source_reference="-2+3",
        lines=[
            LineSpec(account="bank", debit=Decimal("12.50")),
            LineSpec(account="revenue", credit=Decimal("12.50")),
        ],
    )
    finance = api_client_for("finance")
    response = finance.get("/api/v1/ledger/entries/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == CSV_TYPE
    header, *rows = rows_of(response.content)
    assert {row[header.index("memo")] for row in rows} == {"'@SUM(A1:A9)"}
    assert {row[header.index("reference")] for row in rows} == {"'-2+3"}
    balance = finance.get("/api/v1/ledger/trial-balance/?format=csv")
    header, *accounts = rows_of(balance.content)
    revenue = next(row for row in accounts if row[header.index("code")] == "4000")
    assert revenue[header.index("balance")] == "-12.50"  # a number, not '-12.50


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "first_column"),
    [
        ("/api/v1/ledger/entries/?format=csv", "entry"),
        ("/api/v1/reports/credit-holds/?format=csv", None),
        ("/api/v1/reports/cash/?format=csv", None),
    ],
)
def test_an_empty_api_csv_has_its_header_row_and_content_type(api_client_for, url, first_column):
    response = api_client_for("finance").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_TYPE
    header = response.content.decode().splitlines()[0]
    assert header and "," in header
    if first_column:
        assert header.split(",")[0] == first_column


@pytest.mark.django_db
def test_an_empty_page_csv_has_its_header_row_and_content_type(client, make_user):
    client.force_login(make_user("finance"))
    response = client.get("/ledger/journal/?export=csv")
    assert response["Content-Type"] == CSV_TYPE
    assert b"".join(response.streaming_content).decode().splitlines() == [
        "entry,date,source,reference,memo,account,account_name,debit,credit,currency,amount_currency"
    ]
