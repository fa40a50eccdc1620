"""Customer services: validation, the credit-terms rule, the row lock."""

from decimal import Decimal

import pytest
from django.db import transaction

from customers.models import Customer
from customers.services import (
    DEFAULT_CREDIT_LIMIT,
    CreditTermsForbidden,
    customer_create,
    customer_update,
)
from o2c.errors import DomainError
from o2c.locks import customer_lock

pytestmark = pytest.mark.django_db


def acme(**fields):
    return customer_create(
        **{
            "code": "C1",
            "name": "Acme",
            "email": "ap@acme.example",
            "credit_limit": Decimal("1000.00"),
            **fields,
        }
    )


def test_create_normalises_the_vat_number_and_keeps_exact_amounts():
    customer = acme(vat_number="de 811 907 980", currency="CHF")
    customer.refresh_from_db()
    assert customer.vat_number == "DE811907980"
    assert customer.currency == "CHF"
    assert customer.credit_limit == Decimal("1000.00")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"vat_number": "DE123456789"}, "vat_number"),  # wrong check digit
        ({"vat_number": "12345"}, "vat_number"),  # no country prefix
        ({"currency": "EURO"}, "currency"),
        ({"currency": "eur"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"payment_terms_days": 366}, "payment_terms_days"),
        ({"payment_terms_days": -1}, "payment_terms_days"),
        ({"credit_limit": Decimal("-0.01")}, "credit_limit"),
        ({"credit_limit": Decimal("1.001")}, "credit_limit"),
        # beyond the bound of every amount: headroom (limit − exposure) would overflow its column
        ({"credit_limit": Decimal("10000000000.00")}, "credit_limit"),
        ({"code": "  "}, "code"),
    ],
)
def test_create_refuses_bad_master_data_naming_the_field(fields, field):
    with pytest.raises(DomainError) as refused:
        acme(**fields)
    assert refused.value.field == field
    assert not Customer.objects.exists()


def test_non_eu_vat_numbers_need_a_country_prefix_only():
    assert acme(vat_number="NO 123456789 MVA").vat_number == "NO123456789MVA"


def test_a_duplicate_code_is_refused():
    acme()
    with pytest.raises(DomainError) as refused:
        acme(name="Other")
    assert refused.value.field == "code"
    assert Customer.objects.count() == 1


def test_update_changes_only_the_fields_given(make_user):
    customer = acme()
    updated = customer_update(
        customer_id=customer.pk, by=make_user("sales"), name="Acme Ltd", payment_terms_days=14
    )
    updated.refresh_from_db()
    assert (updated.name, updated.payment_terms_days, updated.credit_limit) == (
        "Acme Ltd",
        14,
        Decimal("1000.00"),
    )


@pytest.mark.parametrize(
    "change", [{"credit_limit": Decimal("5000.00")}, {"blocked": True}, {"dunning_enabled": False}]
)
def test_sales_cannot_change_the_credit_terms(make_user, change):
    customer = acme()
    with pytest.raises(CreditTermsForbidden) as refused:
        customer_update(customer_id=customer.pk, by=make_user("sales"), name="Renamed", **change)
    assert refused.value.status_code == 403
    assert refused.value.fields == list(change)
    customer.refresh_from_db()
    assert (customer.name, customer.credit_limit, customer.blocked, customer.dunning_enabled) == (
        "Acme",
        Decimal("1000.00"),
        False,
        True,
    )


def test_sales_may_send_the_credit_terms_unchanged(make_user):
    customer = acme()
    customer_update(
        customer_id=customer.pk,
        by=make_user("sales"),
        credit_limit=Decimal("1000"),
        blocked=False,
        name="Acme 2",
    )
    customer.refresh_from_db()
    assert customer.name == "Acme 2"


@pytest.mark.parametrize("role", ["finance", "manager"])
def test_finance_and_managers_change_the_credit_terms(make_user, role):
    customer = acme()
    customer_update(customer_id=customer.pk, by=make_user(role), credit_limit=None, blocked=True)
    customer.refresh_from_db()
    assert (customer.credit_limit, customer.blocked) == (None, True)


def test_sales_cannot_create_a_customer_with_credit_terms(make_user):
    sales = make_user("sales")
    with pytest.raises(CreditTermsForbidden):
        acme(by=sales)
    # Issue 11: no limit (None) is a credit term too; sales used to get an unlimited customer.
    with pytest.raises(CreditTermsForbidden) as refused:
        acme(by=sales, credit_limit=None)
    assert refused.value.field == "credit_limit"
    assert acme(by=sales, credit_limit=DEFAULT_CREDIT_LIMIT).credit_limit == Decimal("0.00")


def test_a_customer_created_without_a_limit_takes_the_default_and_its_first_order_is_held(make_user):
    from o2c import pipeline
    from tests.builders import a_product, a_warehouse, line

    a_warehouse()
    customer = customer_create(code="NEW", name="New customer", email="ap@new.example", by=make_user("sales"))
    assert customer.credit_limit == Decimal("0.00")
    order = pipeline.order_place(
        customer_id=customer.pk,
        lines=[line(a_product(price="5700000.00", kind="service"), "1")],
        submit=True,
        by=make_user("sales", "seller2"),
    )
    assert order.status == "on_hold"


def test_the_system_and_finance_may_create_an_unlimited_customer(make_user):
    assert acme(credit_limit=None).credit_limit is None
    assert acme(code="C2", credit_limit=None, by=make_user("finance")).credit_limit is None


def test_update_refuses_a_code_taken_by_another_customer(make_user):
    acme()
    other = acme(code="C2")
    with pytest.raises(DomainError) as refused:
        customer_update(customer_id=other.pk, by=make_user("sales"), code="C1")
    assert refused.value.field == "code"


def test_customer_lock_holds_the_row_for_the_transaction():
    customer = acme()
    with transaction.atomic():
        locked = customer_lock(customer_id=customer.pk)
        assert locked.pk == customer.pk
        assert locked.credit_limit == Decimal("1000.00")
