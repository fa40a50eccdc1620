"""IBAN, BIC, creditor identifier and mandate reference checks (accounts.py): checksums, lengths
per country, SEPA countries, normalised spaces and case, NUL bytes and Unicode digits refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2c.errors import DomainError
from receivables.directdebit.accounts import (
    account_check,
    creditor_id_check,
    iban_check,
    mandate_reference_check,
)


def refused(check, value, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check(value, **kw)
    return caught.value


def test_spaces_and_lowercase_normalised():
    assert iban_check("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert iban_check("  DE89370400440532013000 ") == "DE89370400440532013000"


def test_bad_checksum():
    error = refused(iban_check, "DE89370400440532013001")
    assert error.field == "iban" and error.code == "invalid_iban"
    assert "check digits" in error.message


def test_wrong_length_for_the_country():
    error = refused(iban_check, "DE8937040044053201300")  # 21, a German IBAN has 22
    assert error.code == "invalid_iban" and "length" in error.message
    assert refused(iban_check, "AT61190430023457320").code == "invalid_iban"  # AT has 20


@pytest.mark.parametrize(
    "value",
    [
        "DE89\x00370400440532013000",  # NUL byte
        "DE89３７０400440532013000",  # fullwidth digits
        "DE89٣٧٠400440532013000",  # Arabic-Indic digits
        "DE89-3704-0044-0532-0130-00",
        "",
        None,
        12345,
    ],
)
def test_nul_bytes_unicode_digits_and_wrong_types_refused(value):
    assert refused(iban_check, value).code == "invalid_iban"


def test_countries_outside_sepa_refused():
    assert (
        refused(iban_check, "BR1800360305000010009795493C1").code == "not_sepa_country"
    )  # a valid Brazilian IBAN
    assert refused(iban_check, "US64SVBKUS6S3300958879").code == "invalid_iban"  # no IBAN in the US


def test_bic_derived_entered_and_checked():
    assert account_check(iban="DE89370400440532013000").bic == "COBADEFFXXX"  # derived from the bank code
    assert account_check(iban="AT611904300234573201", bic="bkauatww").bic == "BKAUATWW"  # entered, normalised
    assert account_check(iban="AT611904300234573201").bic == ""  # unknown and not given: NOTPROVIDED
    for iban, bic, code in [
        ("DE89370400440532013000", "BKAUATWW", "invalid_bic"),  # an Austrian bank for a German account
        ("DE89370400440532013000", "COBA1EFF", "invalid_bic"),  # a digit in the country
        ("DE89370400440532013000", "COBADE\x00F", "invalid_bic"),
    ]:
        with pytest.raises(DomainError) as caught:
            account_check(iban=iban, bic=bic)
        assert caught.value.field == "bic" and caught.value.code == code


def test_creditor_identifier():
    assert creditor_id_check("de98 zzz0 9999 9999 99") == "DE98ZZZ09999999999"  # the Bundesbank's test id
    assert creditor_id_check("DE98ABC09999999999") == "DE98ABC09999999999"  # the business code is not checked
    assert refused(creditor_id_check, "DE97ZZZ09999999999").code == "invalid_creditor_id"
    assert refused(creditor_id_check, "DE98ZZZ").code == "invalid_creditor_id"
    assert refused(creditor_id_check, "DE98ZZZ0999999999９").code == "invalid_creditor_id"


def test_mandate_reference():
    assert mandate_reference_check(" M-2026/17 ") == "M-2026/17"
    for bad in ["", "/M1", "M1/", "M//1", "M\x001", "M_1", "x" * 36, "Müller"]:
        assert refused(mandate_reference_check, bad).code == "mandate_reference_invalid", bad


@given(st.text(max_size=40))
def test_any_text_is_an_iban_or_a_clear_refusal(text):
    try:
        compact = iban_check(text)
    except DomainError as error:
        assert error.field == "iban"
    else:
        assert compact.isascii() and compact.isalnum() and compact == compact.upper()
