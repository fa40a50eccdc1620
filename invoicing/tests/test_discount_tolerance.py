"""The discount a customer deducted within the tolerance (decision 0063): pure arithmetic, checked
by hand and as a property."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from invoicing.discounts import discount_deducted, discount_parts, discount_total

D = Decimal
# 3 × 33.33 at 19 % and 12.50 at 7 % (tests/scenarios/discounts.py): 2 % is 2.38 + 0.27
PARTS = discount_parts(
    gross_by_rate=[(D("19.00"), D("118.99")), (D("7.00"), D("13.38"))], percent=D("2.00"), currency="EUR"
)


def _rows(parts):
    return [(part.tax_rate, part.net, part.tax) for part in parts]


def test_by_hand():
    assert _rows(PARTS) == [(D("7.00"), D("0.25"), D("0.02")), (D("19.00"), D("2.00"), D("0.38"))]
    exact = discount_deducted(PARTS, deducted=D("2.65"), tolerance=D("0.01"), currency="EUR")
    assert exact == PARTS
    # 2.39 at 19 %: net 2.39 × 100 / 119 = 2.0084 → 2.01, tax 0.38
    more = discount_deducted(PARTS, deducted=D("2.66"), tolerance=D("0.01"), currency="EUR")
    assert _rows(more) == [(D("7.00"), D("0.25"), D("0.02")), (D("19.00"), D("2.01"), D("0.38"))]
    # 2.37 at 19 %: net 1.9916 → 1.99, tax 0.38
    less = discount_deducted(PARTS, deducted=D("2.64"), tolerance=D("0.01"), currency="EUR")
    assert _rows(less) == [(D("7.00"), D("0.25"), D("0.02")), (D("19.00"), D("1.99"), D("0.38"))]
    assert discount_deducted(PARTS, deducted=D("2.67"), tolerance=D("0.01"), currency="EUR") is None
    assert discount_deducted(PARTS, deducted=D("2.66"), tolerance=D("0.00"), currency="EUR") is None
    assert discount_deducted([], deducted=D("0.01"), tolerance=D("0.01"), currency="EUR") is None
    assert discount_deducted(PARTS, deducted=D("0.00"), tolerance=D("5.00"), currency="EUR") is None


def test_a_tie_goes_to_the_higher_rate():
    parts = discount_parts(
        gross_by_rate=[(D("7.00"), D("100.00")), (D("19.00"), D("100.00"))], percent=D("2.00"), currency="EUR"
    )
    adjusted = discount_deducted(parts, deducted=D("4.01"), tolerance=D("0.01"), currency="EUR")
    # 19 %: 2.01, net 2.01 × 100 / 119 = 1.689 → 1.69, tax 0.32
    assert _rows(adjusted) == [(D("7.00"), D("1.87"), D("0.13")), (D("19.00"), D("1.69"), D("0.32"))]


cents = st.integers(min_value=1, max_value=10_000_000).map(lambda n: D(n) / 100)
rates = st.sampled_from([D("0.00"), D("5.50"), D("7.00"), D("10.00"), D("19.00"), D("20.00"), D("21.00")])


@given(
    gross=st.lists(st.tuples(rates, cents), min_size=1, max_size=4),
    percent=st.integers(min_value=1, max_value=1000).map(lambda n: D(n) / 100),
    off_by=st.integers(min_value=-5, max_value=5).map(lambda n: D(n) / 100),
)
def test_the_parts_always_sum_to_what_was_deducted(gross, percent, off_by):
    parts = discount_parts(gross_by_rate=gross, percent=percent, currency="EUR")
    if not parts:
        return
    deducted = discount_total(parts) + off_by
    adjusted = discount_deducted(parts, deducted=deducted, tolerance=D("0.05"), currency="EUR")
    if adjusted is None:
        assert deducted <= 0 or any(part.gross <= -off_by for part in parts)
        return
    assert discount_total(adjusted) == deducted
    assert all(part.net >= 0 and part.tax >= 0 and part.gross > 0 for part in adjusted)
    assert sum(1 for before, after in zip(parts, adjusted, strict=True) if before != after) <= 1
    assert [part.tax_rate for part in adjusted] == [part.tax_rate for part in parts]
