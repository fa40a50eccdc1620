"""Customers: dry run against real run, updates by code, every error by row and field, the
CSV variants (semicolon with decimal comma in cp1252, BOM, XLSX) and all-or-nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps

from customers.models import Customer
from imports.services import import_run
from imports.tests.files import csv_file, xlsx_file
from tests.builders import a_customer

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "email", "currency", "payment_terms_days", "credit_limit"]


def run(content: bytes, *, dry_run: bool, filename: str = "customers.csv"):
    return import_run(kind="customers", content=content, filename=filename, dry_run=dry_run)


def test_a_dry_run_counts_and_writes_nothing_then_the_real_run_writes():
    existing = a_customer(code="C-1", name="Old name")
    content = csv_file(
        HEADER,
        ["C-1", "New name", "a@example.com", "EUR", "14", "1000.00"],
        ["C-2", "Zwei GmbH", "b@example.com", "EUR", "30", ""],
    )
    dry = run(content, dry_run=True)
    assert dry.as_dict() == {"rows": 2, "created": 1, "updated": 1, "errors": []}
    assert not Customer.objects.filter(code="C-2").exists()
    existing.refresh_from_db()
    assert existing.name == "Old name"

    real = run(content, dry_run=False)
    assert (real.created, real.updated, real.errors) == (1, 1, [])
    existing.refresh_from_db()
    assert (existing.name, existing.payment_terms_days, existing.credit_limit) == (
        "New name",
        14,
        Decimal("1000.00"),
    )
    new = Customer.objects.get(code="C-2")
    assert new.credit_limit == Decimal("0.00")  # the default credit limit: its first order waits for finance
    events = apps.get_model("customers", "CustomerEvent").objects
    assert events.filter(pgh_obj_id=new.pk, pgh_label="insert").count() == 1  # the audit trail has both
    assert events.filter(pgh_obj_id=existing.pk, pgh_label="update", name="New name").count() == 1


def test_an_error_in_the_last_row_writes_nothing():
    rows = [[f"K-{n}", f"Kunde {n}", f"k{n}@example.com", "EUR", "30", "10"] for n in range(1, 50)]
    rows.append(["K-50", "Kunde 50", "not-an-email", "EUR", "30", "10"])
    result = run(csv_file(HEADER, *rows), dry_run=False)
    assert result.errors == [{"row": 51, "field": "email", "message": "enter a valid e-mail address"}]
    assert (result.created, result.updated) == (0, 0)
    assert not Customer.objects.filter(code__startswith="K-").exists()


def test_every_error_by_row_and_field():
    content = csv_file(
        [*HEADER, "blocked"],
        ["D-1", "Eins", "e@example.com", "EURO", "400", "12.345", "maybe"],
        ["", "", "", "", "", "", ""],  # an empty row: skipped, but row 3 keeps its number
        ["D-1", "Twice", "t@example.com", "EUR", "30", "", ""],
        ["D-3", "Drei\x00", "d@example.com", "EUR", "٣٠", "1e3", ""],
        ["D-4", "", "", "EUR", "30", "99999999999", ""],
        ["D-5", "Fünf", "f@example.com", "EUR", "30", "-5", ""],
    )
    result = run(content, dry_run=True)
    errors = {(error["row"], error["field"]) for error in result.errors}
    assert errors == {
        (2, "currency"),
        (2, "payment_terms_days"),
        (2, "credit_limit"),
        (2, "blocked"),
        (4, "code"),  # duplicate of row 2
        (5, "name"),  # NUL byte
        (5, "payment_terms_days"),  # Arabic-Indic digits
        (5, "credit_limit"),
        (6, "credit_limit"),  # huge
        (6, "name"),  # a new customer needs a name and an e-mail
        (6, "email"),
        (7, "credit_limit"),  # negative
    }, result.errors
    assert result.rows == 5  # the empty row is skipped
    messages = {(error["row"], error["field"]): error["message"] for error in result.errors}
    assert messages[(4, "code")] == "code D-1 is also on row 2"
    assert "control character" in messages[(5, "name")]
    assert not Customer.objects.filter(code__startswith="D-").exists()


def test_unknown_and_missing_columns_are_errors_of_row_1():
    result = run(csv_file(["name", "emial"], ["X", "x@example.com"]), dry_run=True)
    assert {(e["row"], e["field"]) for e in result.errors} == {(1, "emial"), (1, "code")}


def test_semicolons_decimal_comma_and_cp1252():
    content = csv_file(
        ["code", "name", "email", "credit_limit"],
        ["S-1", "Müller & Söhne", "m@example.com", "1.234,50"],
        ["S-2", "Café Größe", "c@example.com", "99,9"],
        delimiter=";",
        encoding="cp1252",
    )
    result = run(content, dry_run=False)
    assert result.errors == [] and result.created == 2
    assert Customer.objects.get(code="S-1").name == "Müller & Söhne"
    assert Customer.objects.get(code="S-1").credit_limit == Decimal("1234.50")
    assert Customer.objects.get(code="S-2").credit_limit == Decimal("99.90")


def test_utf8_with_a_bom_and_tabs():
    content = csv_file(
        ["code", "name", "email"], ["B-1", "Ærø ApS", "b@example.com"], delimiter="\t", bom=True
    )
    result = run(content, dry_run=False)
    assert result.errors == [] and Customer.objects.get(code="B-1").name == "Ærø ApS"


def test_xlsx_with_numbers_and_booleans_as_the_workbook_stores_them():
    content = xlsx_file(
        ["Code", "Name", "E-mail", "Payment terms days", "Credit limit", "Blocked"],
        [1001, "Workbook AG", "w@example.com", 45, 2500.5, False],
        [None, None, None, None, None, None],
        [1002, "Zweite AG", "z@example.com", 30, 0, True],
    )
    result = run(content, dry_run=False, filename="customers.xlsx")
    assert result.errors == [] and result.rows == 2
    first = Customer.objects.get(code="1001")
    assert (first.payment_terms_days, first.credit_limit, first.blocked) == (45, Decimal("2500.50"), False)
    assert Customer.objects.get(code="1002").blocked is True


def test_a_formula_in_a_name_is_stored_as_text_and_exported_neutralised(make_user, client):
    content = csv_file(["code", "name", "email"], ["F-1", "=cmd|' /C calc'!A0", "f@example.com"])
    assert run(content, dry_run=False).errors == []
    assert Customer.objects.get(code="F-1").name == "=cmd|' /C calc'!A0"
    client.force_login(make_user("manager"))
    export = b"".join(client.get("/customers/?export=csv").streaming_content).decode()
    assert "'=cmd|' /C calc'!A0" in export


def test_a_row_wider_than_the_header_is_an_error():
    result = run(
        csv_file(["code", "name", "email"], ["W-1", "Wide", "w@example.com", "surplus"]), dry_run=True
    )
    assert result.errors == [
        {"row": 2, "field": "file", "message": "this row has 4 cells; row 1 names 3 columns"}
    ]
