"""Order status changes go through SalesOrder.TRANSITIONS: each writes an event row with its
actor; a move the table does not list is a 409 and changes nothing."""

import pytest

from o2c import pipeline
from o2c.errors import InvalidTransition
from o2c.states import transition
from orders.models import SalesOrder
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


def _moves(order):
    return [
        (event.event, event.from_status, event.to_status, event.actor)
        for event in order.events.all()
        if event.to_status
    ]


def test_a_held_order_released_by_finance_records_who_moved_it(make_user):
    seller, finance = make_user("sales"), make_user("finance")
    customer = a_customer(credit_limit="100.00")
    given = an_order(customer, line(a_product(price="200.00"), "1"), by=seller)

    pipeline.order_submit(order_id=given.pk, by=seller)
    pipeline.hold_release(order_id=given.pk, note="known customer", by=finance)

    order = SalesOrder.objects.get(pk=given.pk)
    assert order.status == "open"
    assert _moves(order) == [
        ("credit_hold", "draft", "on_hold", seller),
        ("hold_released", "on_hold", "open", finance),
    ]
    assert order.events.get(event="hold_released").detail == "known customer"


def test_a_cancelled_order_records_the_reason_and_cannot_be_cancelled_again(make_user):
    seller = make_user("sales")
    widget = a_product()
    stock(widget, "5")
    order = an_order(a_customer(), line(widget, "2"), submit=True, by=seller)

    pipeline.order_cancel(order_id=order.pk, reason="customer changed their mind", by=seller)
    with pytest.raises(InvalidTransition) as refused:
        pipeline.order_cancel(order_id=order.pk, reason="again", by=seller)

    assert (refused.value.code, refused.value.status_code) == ("invalid_transition", 409)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert _moves(order)[-1] == ("cancelled", "open", "cancelled", seller)
    assert order.events.filter(to_status="cancelled").count() == 1


@pytest.mark.parametrize(("target"), ["fulfilled", "closed", "draft"])
def test_a_draft_cannot_jump_the_table(make_user, target):
    order = an_order(a_customer(), line(a_product(), "1"))
    with pytest.raises(InvalidTransition):
        transition(order, target, by=make_user("manager"))
    order.refresh_from_db()
    assert order.status == "draft" and not order.events.exclude(to_status="").exists()
