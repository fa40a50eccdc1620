"""Which price a line takes (decision 0054): the customer's price list valid on the order date,
the highest break at or below the quantity, else the product price; a typed price is manual."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.services import customer_update
from o2c.errors import DomainError
from orders.services import order_create
from pricing.selectors import price_breaks
from pricing.services import ItemInput, price_list_create, price_list_update
from tests.builders import a_customer, a_product, a_warehouse, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a_warehouse()
    widget = a_product(price="10.00", tax_rate="19.00")
    gadget = a_product(price="50.00", tax_rate="7.00")
    price_list = price_list_create(
        name="Dealers",
        currency="EUR",
        items=[
            ItemInput(widget.pk, Decimal("0"), Decimal("9.00")),
            ItemInput(widget.pk, Decimal("10"), Decimal("8.50")),
            ItemInput(widget.pk, Decimal("100"), Decimal("8.00")),
        ],
    )
    customer = a_customer(credit_limit="100000.00", price_list=price_list.pk)
    return {"widget": widget, "gadget": gadget, "list": price_list, "customer": customer}


def test_breaks_at_their_boundaries_then_product_price_then_manual(world):
    widget, gadget = world["widget"], world["gadget"]
    order = order_create(
        customer_id=world["customer"].pk,
        lines=[
            line(widget, "9.999"),
            line(widget, "10"),
            line(widget, "99.999"),
            line(widget, "100"),
            line(gadget, "2"),  # not on the list
            line(widget, "1", price="7.77"),  # typed
        ],
    )
    rows = [
        (line.unit_price, line.price_source, line.net_amount) for line in order.lines.order_by("position")
    ]
    assert rows == [
        (Decimal("9.00"), "price_list", Decimal("89.99")),  # 9.999 × 9.00 = 89.991
        (Decimal("8.50"), "price_list", Decimal("85.00")),
        (Decimal("8.50"), "price_list", Decimal("849.99")),  # 99.999 × 8.50 = 849.9915
        (Decimal("8.00"), "price_list", Decimal("800.00")),
        (Decimal("50.00"), "product", Decimal("100.00")),
        (Decimal("7.77"), "manual", Decimal("7.77")),
    ]
    # tax per line at 19 %: 17.10 + 16.15 + 161.50 + 152.00 + 1.48 = 348.23; 100.00 at 7 % = 7.00
    assert (order.net_total, order.tax_total, order.total) == (
        Decimal("1932.75"),
        Decimal("355.23"),
        Decimal("2287.98"),
    )


@pytest.mark.parametrize(
    ("valid_from_days", "valid_to_days", "expected", "source"),
    [
        (None, None, "9.00", "price_list"),
        (0, 0, "9.00", "price_list"),  # both ends inclusive
        (1, None, "10.00", "product"),  # not yet valid
        (None, -1, "10.00", "product"),  # no longer valid
        (-30, 30, "9.00", "price_list"),
    ],
)
def test_validity_dates(world, valid_from_days, valid_to_days, expected, source):
    today = timezone.localdate()
    price_list_update(
        price_list_id=world["list"].pk,
        valid_from=None if valid_from_days is None else today + timedelta(days=valid_from_days),
        valid_to=None if valid_to_days is None else today + timedelta(days=valid_to_days),
    )
    order = order_create(customer_id=world["customer"].pk, lines=[line(world["widget"], "1")])
    first = order.lines.get()
    assert (first.unit_price, first.price_source) == (Decimal(expected), source)


def test_a_list_in_another_currency_is_never_used(world):
    usd = price_list_create(
        name="US dealers",
        currency="USD",
        items=[ItemInput(world["widget"].pk, Decimal("0"), Decimal("1.00"))],
    )
    with pytest.raises(DomainError) as refused:
        customer_update(customer_id=world["customer"].pk, by=None, price_list=usd.pk)
    assert (refused.value.field, refused.value.code) == ("price_list", "currency_mismatch")
    # and if it were attached, the pricing would ignore it for a EUR customer
    today = timezone.localdate()
    assert (
        price_breaks(
            price_list_id=usd.pk, currency="EUR", on=today, product_ids=[world["widget"].pk]
        ).by_product
        == {}
    )


def test_price_list_input_is_checked(world):
    widget = world["widget"]
    cases = [
        ({"name": " "}, "name", "blank"),
        ({"name": "Dealers"}, "name", "duplicate_price_list"),
        ({"currency": "XXQ"}, "currency", "invalid_currency"),
        (
            {"valid_from": timezone.localdate(), "valid_to": timezone.localdate() - timedelta(days=1)},
            "valid_to",
            "validity_reversed",
        ),
        (
            {
                "items": [
                    ItemInput(widget.pk, Decimal("1"), Decimal("1")),
                    ItemInput(widget.pk, Decimal("1.000"), Decimal("2")),
                ]
            },
            "items",
            "duplicate_break",
        ),
        ({"items": [ItemInput(999999, Decimal("1"), Decimal("1"))]}, "items", "does_not_exist"),
        ({"items": [ItemInput(widget.pk, Decimal("1"), Decimal("1.001"))]}, "items", "out_of_range"),
    ]
    for fields, field, code in cases:
        arguments = {"name": "New", "currency": "EUR", **fields}
        with pytest.raises(DomainError) as refused:
            price_list_create(**arguments)
        assert (refused.value.field, refused.value.code) == (field, code), fields
