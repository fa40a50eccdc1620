"""Money: half-up rounding per line, totals as sums of rounded lines, currencies never mixed."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2c.errors import CurrencyMismatch, DomainError
from o2c.money import Money, line_amounts, money_sum, round_money, to_decimal


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.345", "EUR", "2.35"),
        ("2.344", "EUR", "2.34"),
        ("-2.345", "EUR", "-2.35"),
        ("0.005", "EUR", "0.01"),
        ("1234.5", "JPY", "1235"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_round_half_up_to_the_currency_minor_unit(amount, currency, expected):
    assert round_money(Decimal(amount), currency) == Decimal(expected)


def test_line_amounts_round_net_then_tax_once_each():
    line = line_amounts(
        quantity=Decimal("3"),
        unit_price=Decimal("19.99"),
        discount_percent=Decimal("12.5"),
        tax_rate=Decimal("19.00"),
        currency="EUR",
    )
    # 3 × 19.99 = 59.97; less 12.5 % = 52.47375 → 52.47; tax 19 % = 9.9693 → 9.97
    assert (line.net, line.tax, line.total) == (Decimal("52.47"), Decimal("9.97"), Decimal("62.44"))


def test_mixing_currencies_is_an_error():
    with pytest.raises(CurrencyMismatch):
        Money(Decimal("1.00"), "EUR") + Money(Decimal("1.00"), "USD")
    with pytest.raises(CurrencyMismatch):
        money_sum([Money(Decimal("1"), "EUR"), Money(Decimal("1"), "GBP")], "EUR")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        Money(1.1, "EUR")
    with pytest.raises(TypeError):
        to_decimal(0.1)


def test_malformed_input_names_the_field():
    with pytest.raises(DomainError) as refused:
        to_decimal("12,5", field="unit_price")
    assert refused.value.as_dict() == {"unit_price": ["'12,5' is not a number"]}
    with pytest.raises(DomainError):
        to_decimal("NaN")


amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=4, allow_nan=False)


@given(amounts)
def test_rounding_is_idempotent_and_within_half_a_cent(amount):
    rounded = round_money(amount, "EUR")
    assert round_money(rounded, "EUR") == rounded
    assert abs(rounded - amount) <= Decimal("0.005")


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
            st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
            st.sampled_from([Decimal("0"), Decimal("7"), Decimal("19"), Decimal("20"), Decimal("5.5")]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_document_total_is_the_sum_of_rounded_lines(lines):
    computed = [
        line_amounts(quantity=q, unit_price=p, discount_percent=d, tax_rate=t, currency="EUR")
        for q, p, d, t in lines
    ]
    total = money_sum((Money(line.total, "EUR") for line in computed), "EUR")
    assert total.amount == sum(line.net for line in computed) + sum(line.tax for line in computed)
    for line in computed:
        assert line.net == round_money(line.net) and line.tax == round_money(line.tax)
        assert line.net >= 0 and line.tax >= 0
