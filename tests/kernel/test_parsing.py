"""The one set of input helpers refuses odd input as a class: Unicode digits, control characters,
years out of range, amounts beyond every column and sum."""

import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2c.errors import DomainError
from o2c.parsing import (
    MAX_AMOUNT,
    content_disposition,
    parse_amount,
    parse_date,
    parse_decimal,
    parse_id,
    parse_quantity,
    safe_filename,
    text_check,
)


@pytest.mark.parametrize("value", ["²", "٣", "1²", "-1", "0", "1.0", "", " ", "1e3", True, 2**63, "9" * 400])
def test_ids_refuse_what_is_not_a_plain_positive_number(value):
    with pytest.raises(DomainError) as refused:
        parse_id(value, field="invoice")
    assert refused.value.field == "invoice"


def test_ids_accept_ascii_digits_and_ints():
    assert parse_id("42", field="x") == 42
    assert parse_id(7, field="x") == 7


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01",
        "9999-12-31",
        "1899-12-31",
        "2201-01-01",
        "297-07-08",
        "2026-02-30",
        "２０２６-01-01",
        "2026-1-1",
        "2026-01-01\x00",
        None,
        20260101,
    ],
)
def test_dates_refuse_odd_forms_and_years_out_of_range(value):
    with pytest.raises(DomainError):
        parse_date(value, field="as_of")


def test_dates_in_range():
    assert parse_date("1900-01-01", field="d") == date(1900, 1, 1)
    assert parse_date(" 2200-12-31 ", field="d") == date(2200, 12, 31)


@pytest.mark.parametrize(
    "value",
    ["NaN", "Infinity", "-inf", "1e30", "1e3", "１２", "12,50", "10000000000.00", "0.001", 1.5, "", "\x0012"],
)
def test_amounts_refuse_what_no_column_can_hold(value):
    with pytest.raises(DomainError):
        parse_amount(value, field="amount")


def test_amounts_and_quantities():
    assert parse_amount("12.5", field="a") == Decimal("12.5")
    assert parse_amount(MAX_AMOUNT, field="a") == MAX_AMOUNT
    assert parse_decimal("-3.00", field="a") == Decimal("-3.00")
    assert parse_quantity("1.250", field="q") == Decimal("1.250")
    with pytest.raises(DomainError):
        parse_amount("0", field="a")
    with pytest.raises(DomainError):
        parse_quantity("0.0001", field="q")


@given(st.text())
def test_any_text_parses_or_is_refused_with_a_domain_error(text):
    for parse in (parse_id, parse_date, parse_amount, parse_quantity):
        with contextlib.suppress(DomainError):
            parse(text, field="f")


def test_control_characters_are_refused_in_text():
    with pytest.raises(DomainError):
        text_check("C\x0001", field="code")
    with pytest.raises(DomainError):
        text_check("a\nb", field="code")
    assert text_check("a\nb", field="note", multiline=True) == "a\nb"


@given(st.text())
def test_content_disposition_is_always_a_safe_header(name):
    header = content_disposition(name)
    assert "\n" not in header and "\r" not in header and "\x00" not in header
    assert header.isascii()
    assert header.count('"') == 2
    assert "/" not in safe_filename(name)


def test_content_disposition_keeps_the_exact_name_in_filename_star():
    assert content_disposition('statement-Müller "A".pdf') == (
        "attachment; filename=\"statement-M_ller _A_.pdf\"; filename*=UTF-8''statement-M%C3%BCller%20_A_.pdf"
    )
