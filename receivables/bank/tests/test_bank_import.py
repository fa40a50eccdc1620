"""Bank statement import: CSV and CAMT.053 files read, and lines matched to customers and invoices.

State is built through the builders (services and pipeline); files are made here or read from
fixtures/."""

from __future__ import annotations

import pytest

from o2c.errors import DomainError
from receivables.bank.files import (
    amount_parse,
    camt053_lines,
    csv_lines,
    csv_read,
    fingerprints,
    mapping_guess,
)
from receivables.bank.tests.builders import (
    FIXTURES,
    MAPPING,
    D,
    Line,
    csv_file,
    import_csv,
    lines_of,
    today,
)
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


def test_a_comma_csv_is_read_by_its_guessed_mapping():
    table = csv_read((FIXTURES / "bank_comma.csv").read_bytes())
    mapping = mapping_guess(table)
    assert table.delimiter == ","
    assert (mapping.date_column, mapping.amount_column, mapping.reference_column) == (
        "Date",
        "Amount",
        "Reference",
    )
    lines = csv_lines(table, mapping, currency="EUR")
    assert [line.amount for line in lines] == [D("1234.56"), D("-12.00"), D("1500.00")]
    assert lines[0].reference == "Invoice INV-2026-000101, thanks"
    assert lines[2].counterparty == "Corner Shop"
    assert str(lines[0].booking_date) == "2026-03-02"


def test_a_semicolon_csv_with_decimal_commas_and_a_preamble_is_read():
    table = csv_read((FIXTURES / "bank_semicolon_de.csv").read_bytes())  # cp1252, account lines on top
    mapping = mapping_guess(table)
    assert table.delimiter == ";"
    assert table.header[0] == "Buchungstag" and table.header[-1] == "Auftraggeber/Empfänger"
    assert mapping.decimal_comma and mapping.date_format == "%d.%m.%Y"
    assert mapping.amount_column == "Betrag" and mapping.reference_column == "Verwendungszweck"
    lines = csv_lines(table, mapping, currency="EUR")
    assert [line.amount for line in lines] == [D("1234.56"), D("-12.00"), D("-89.50"), D("500.00")]
    assert lines[2].reference == "Büro"
    assert str(lines[0].booking_date) == "2026-03-02"


@pytest.mark.parametrize(
    ("text", "comma", "amount"),
    [
        ("1.234,56", True, "1234.56"),
        ("-12,00", True, "-12.00"),
        ("12,00-", True, "-12.00"),
        ("1,234.56", False, "1234.56"),
        ("-12.00", False, "-12.00"),
        ("(7.50)", False, "-7.50"),
        ("+5", False, "5.00"),
        ("€ 1 234,5", True, "1234.50"),
        ("1'234.56", False, "1234.56"),
    ],
)
def test_amounts_are_read_as_banks_write_them(text, comma, amount):
    assert amount_parse(text, decimal_comma=comma) == D(amount)


@pytest.mark.parametrize("text", ["12.345", "abc", "1,2,3", "", "12.3.4"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        amount_parse(text, decimal_comma=False)


def test_a_camt053_statement_is_read_one_line_per_transaction():
    lines = camt053_lines((FIXTURES / "camt053_sample.xml").read_bytes())
    assert [line.amount for line in lines] == [
        D("1234.56"),
        D("500.00"),
        D("-89.50"),
        D("100.00"),
        D("200.00"),
    ]
    first, structured, debit, batch_one, batch_two = lines
    assert first.currency == "EUR" and str(first.booking_date) == "2026-03-31"
    assert "INV-2026-000101" in first.reference
    assert first.counterparty == "Acme Trading GmbH"
    assert first.counterparty_account == "DE44500105175407324931"
    assert first.bank_reference == "BANKREF-0001"
    assert structured.reference == "RF18INV2026000102"  # the creditor reference of Strd
    assert debit.counterparty == "Office Supplies AG"  # the creditor, for money going out
    assert (batch_one.counterparty, batch_two.counterparty) == ("Corner Shop", "Harbour Foods")
    assert len(set(fingerprints(lines))) == 5


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&lol2;</Document>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&xxe;</Document>',
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><x/></Document>',
        b"<Document><unclosed></Document>",
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>',
    ],
    ids=["entity-bomb", "external-entity", "not-camt053", "malformed", "no-statement"],
)
def test_unsafe_or_wrong_xml_is_refused_with_a_message(content):
    with pytest.raises(DomainError) as refused:
        camt053_lines(content)
    assert refused.value.field == "file"


def test_identical_lines_in_one_file_get_different_fingerprints_and_the_same_in_the_next():
    content = csv_file((today(), "10.00", "coffee", "X"), (today(), "10.00", "coffee", "X"))
    lines = csv_lines(csv_read(content), MAPPING, currency="EUR")
    first, second = fingerprints(lines)
    assert first != second
    assert fingerprints(lines) == [first, second]


def test_an_invoice_number_in_the_reference_matches_its_customer_and_invoice():
    acme = a_customer(code="ACME", name="Acme Trading GmbH")
    older = an_invoice(acme, "80.00")
    named = an_invoice(acme, "100.00")
    spaced = named.number.replace("-", " ").lower()  # "inv 2026 000002"
    statement = import_csv(csv_file((today(), "100.00", f"payment {spaced} thanks", "Someone else")))
    (line,) = lines_of(statement)
    assert line.status == Line.MATCHED
    assert line.customer_id == acme.pk
    assert line.allocations == [
        {"invoice": named.pk, "amount": "100.00", "reason": "invoice_number_in_reference"}
    ]
    assert named.number in line.match_note
    assert older.balance == D("80.00")


def test_a_customer_code_or_the_counterparty_name_matches_the_customer():
    corner = a_customer(code="C00042", name="Corner Shop")
    harbour = a_customer(code="HARB", name="Harbour Foods")
    old = an_invoice(corner, "60.00")
    newer = an_invoice(corner, "60.00")
    statement = import_csv(
        csv_file(
            (today(), "100.00", "c00042 March", "A. Person"),
            (today(), "25.00", "thanks", "harbour  foods"),
        )
    )
    by_code, by_name = lines_of(statement)
    assert (by_code.status, by_code.customer_id) == (Line.MATCHED, corner.pk)
    assert "customer code C00042" in by_code.match_note
    assert by_code.allocations == [
        {"invoice": old.pk, "amount": "60.00", "reason": "oldest_due"},
        {"invoice": newer.pk, "amount": "40.00", "reason": "oldest_due"},
    ]
    assert (by_name.status, by_name.customer_id) == (Line.MATCHED, harbour.pk)
    assert by_name.allocations == []
    assert "25.00 left as unapplied cash" in by_name.match_note


def test_an_amount_equal_to_one_open_balance_matches_that_invoice_only_when_unique():
    one = an_invoice(a_customer(), "123.45")
    an_invoice(a_customer(), "50.00")
    an_invoice(a_customer(), "50.00")
    statement = import_csv(
        csv_file((today(), "123.45", "misc", "Unknown"), (today(), "50.00", "misc", "Unknown"))
    )
    unique, ambiguous = lines_of(statement)
    assert (unique.status, unique.customer_id) == (Line.MATCHED, one.customer_id)
    assert unique.allocations == [
        {"invoice": one.pk, "amount": "123.45", "reason": "amount_matches_one_invoice"}
    ]
    assert (ambiguous.status, ambiguous.customer_id) == (Line.UNMATCHED, None)
    assert "2 open invoices" in ambiguous.match_note


def test_debits_are_ignored_and_lines_of_one_customer_share_its_open_invoices():
    acme = a_customer(code="ACME")
    invoice = an_invoice(acme, "100.00")
    statement = import_csv(
        csv_file(
            (today(), "-30.00", "bank fee", ""),
            (today(), "70.00", "ACME part 1", ""),
            (today(), "70.00", "ACME part 2", ""),
        )
    )
    debit, first, second = lines_of(statement)
    assert debit.status == Line.IGNORED and "debit" in debit.match_note
    assert first.allocations == [{"invoice": invoice.pk, "amount": "70.00", "reason": "oldest_due"}]
    assert second.allocations == [
        {"invoice": invoice.pk, "amount": "30.00", "reason": "oldest_due"}
    ]  # what the first left


def test_a_customer_billed_in_another_currency_is_not_matched():
    a_customer(code="YANK", currency="USD")
    statement = import_csv(csv_file((today(), "10.00", "YANK invoice", "")))
    (line,) = lines_of(statement)
    assert line.status == Line.UNMATCHED and "pays in USD" in line.match_note


def test_matching_a_long_statement_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    customers = [a_customer(code=f"BULK{n}") for n in range(5)]
    invoices = [an_invoice(customer, "40.00") for customer in customers]
    rows = [(today(), "40.00", invoices[n % 5].number, "") for n in range(60)]
    rows += [(today(), "5.00", f"BULK{n % 5}", "") for n in range(60)]
    content = csv_file(*rows)
    with django_assert_max_num_queries(20):
        statement = import_csv(content)
    assert statement.lines.filter(status=Line.MATCHED).count() == 120
