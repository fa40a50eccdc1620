"""Orders: drafts priced line by line, totals as sums of rounded lines, edits only in draft."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from o2c.errors import Conflict, DomainError
from o2c.money import line_amounts
from orders import services
from orders.models import SalesOrder
from tests.builders import a_customer, a_product, a_warehouse, an_order, line

pytestmark = pytest.mark.django_db


def test_a_draft_has_rounded_lines_and_their_sums_as_totals():
    customer = a_customer()
    espresso = a_product(price="19.99", tax_rate="19.00")
    beans = a_product(price="18.90", tax_rate="7.00")

    order = an_order(customer, line(espresso, "3", discount="12.5"), line(beans, "2"))

    lines = list(order.lines.order_by("position"))
    assert [(x.net_amount, x.tax_amount, x.total_amount) for x in lines] == [
        (Decimal("52.47"), Decimal("9.97"), Decimal("62.44")),
        (Decimal("37.80"), Decimal("2.65"), Decimal("40.45")),
    ]
    assert (order.net_total, order.tax_total, order.total) == (
        Decimal("90.27"),
        Decimal("12.62"),
        Decimal("102.89"),
    )
    assert order.status == "draft" and order.number.startswith("SO-")
    assert [event.event for event in order.events.all()] == ["created"]


def test_tax_exempt_customers_pay_no_tax():
    order = an_order(a_customer(tax_exempt=True), line(a_product(price="100.00"), "1"))
    assert (order.tax_total, order.total) == (Decimal("0.00"), Decimal("100.00"))


@pytest.mark.parametrize(
    ("make_lines", "field"),
    [
        (lambda p: [], "lines"),
        (lambda p: [line(p, "0")], "lines"),
        (lambda p: [line(p, "-1")], "lines"),
        (lambda p: [line(p, "1000000000000000")], "lines"),
        (lambda p: [line(p, "1.0001")], "lines"),
        (lambda p: [line(p, "1", discount="100.01")], "lines"),
        (lambda p: [line(p, "1", price="-1")], "lines"),
        (lambda p: [services.LineInput(product_id=999999, quantity=Decimal(1))], "lines"),
    ],
    ids=[
        "no-lines",
        "zero",
        "negative",
        "10^15",
        "sub-milli",
        "discount>100",
        "negative-price",
        "unknown-product",
    ],
)
def test_bad_lines_are_refused_naming_the_field_and_nothing_is_saved(make_lines, field):
    customer, product = a_customer(), a_product()
    with pytest.raises(DomainError) as refused:
        an_order(customer, *make_lines(product))
    assert refused.value.field == field
    assert SalesOrder.objects.count() == 0


def test_inactive_products_and_foreign_currencies_are_refused():
    customer = a_customer()
    retired = a_product(active=False)
    with pytest.raises(DomainError, match="no longer sold") as retired_refused:
        an_order(customer, line(retired, "1"))
    assert retired_refused.value.code == "inactive_product"
    with pytest.raises(DomainError) as refused:
        services.order_create(customer_id=customer.pk, lines=[line(a_product(), "1")], currency="USD")
    assert (refused.value.field, refused.value.code) == ("currency", "currency_mismatch")
    dollar_customer = a_customer(currency="USD")
    with pytest.raises(DomainError, match="exchange rate") as no_rate:
        an_order(dollar_customer, line(a_product(), "1"))
    assert no_rate.value.code == "no_exchange_rate"
    assert SalesOrder.objects.count() == 0


def test_only_drafts_can_be_edited():
    customer, product = a_customer(), a_product(price="5.00", tax_rate="0")
    order = an_order(customer, line(product, "1"))
    services.order_update(order_id=order.pk, lines=[line(product, "4")], customer_reference="PO-77")
    order.refresh_from_db()
    assert (order.total, order.customer_reference, order.lines.count()) == (Decimal("20.00"), "PO-77", 1)

    submitted = an_order(customer, line(product, "1"), submit=True)
    with pytest.raises(Conflict, match="can no longer be edited") as not_editable:
        services.order_update(order_id=submitted.pk, lines=[line(product, "2")])
    assert not_editable.value.code == "order_not_editable"


class TestTotalsProperty(HypothesisTestCase):
    @settings(max_examples=40, deadline=None)
    # Six lines of at most 10,000 × 99,999 plus 20 % tax stay under o2c.parsing.MAX_AMOUNT: larger
    # orders are refused, which the amount-bound tests cover.
    @given(
        st.lists(
            st.tuples(
                st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3),
                st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=2),
                st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
                st.sampled_from(["0.00", "7.00", "19.00", "20.00", "5.50"]),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def test_order_totals_equal_the_sum_of_rounded_lines(self, specs):
        a_warehouse()
        customer = a_customer()
        lines = [
            line(a_product(tax_rate=rate), str(q), price=str(p), discount=str(d)) for q, p, d, rate in specs
        ]
        order = an_order(customer, *lines)
        expected = [
            line_amounts(quantity=q, unit_price=p, discount_percent=d, tax_rate=Decimal(rate), currency="EUR")
            for q, p, d, rate in specs
        ]
        assert order.net_total == sum(x.net for x in expected)
        assert order.tax_total == sum(x.tax for x in expected)
        assert order.total == sum(x.total for x in expected)
        stored = list(order.lines.order_by("position"))
        assert [(x.net_amount, x.tax_amount) for x in stored] == [(x.net, x.tax) for x in expected]
