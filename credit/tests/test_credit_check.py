"""The credit check on submit, in the order of the design's rules, each decision with its figures."""

from decimal import Decimal

import pytest

from credit.models import CreditDecision
from credit.selectors import customer_position, hold_queue
from o2c import pipeline
from o2c.errors import Conflict, DomainError
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget():
    product = a_product(price="60.00", tax_rate="0.00")
    stock(product, "100")
    return product


def test_within_the_limit_the_order_is_approved_and_allocated(widget):
    customer = a_customer(credit_limit="100.00")
    order = an_order(customer, line(widget, "1"), submit=True)

    assert order.status == "open" and order.fulfillment_status == "allocated"
    decision = CreditDecision.objects.get(order=order)
    assert (decision.outcome, decision.rule) == ("approved", "within_limit")
    assert (decision.exposure, decision.credit_limit, decision.order_total) == (
        Decimal("60.00"),
        Decimal("100.00"),
        Decimal("60.00"),
    )
    assert [e.event for e in order.events.all()] == ["created", "approved", "allocated"]


def test_over_the_limit_the_order_is_held_with_the_excess(widget):
    customer = a_customer(credit_limit="100.00")
    an_order(customer, line(widget, "1"), submit=True)
    second = an_order(customer, line(widget, "1"), submit=True)

    assert second.status == "on_hold" and second.fulfillment_status == "unallocated"
    decision = CreditDecision.objects.get(order=second)
    assert decision.rule == "limit" and decision.reason == "limit exceeded by 20.00 EUR"
    assert (decision.open_orders, decision.exposure) == (Decimal("60.00"), Decimal("120.00"))
    assert not second.lines.filter(quantity_reserved__gt=0).exists()


def test_blocked_customers_are_held_whatever_their_limit(widget):
    order = an_order(a_customer(blocked=True), line(widget, "1"), submit=True)
    assert order.status == "on_hold"
    assert CreditDecision.objects.get(order=order).rule == "blocked"


def test_no_limit_means_unlimited(widget):
    order = an_order(a_customer(credit_limit=None), line(widget, "90"), submit=True)
    assert order.status == "open"


def test_release_continues_to_allocation_and_reject_cancels(widget, make_user):
    clerk = make_user("finance")
    customer = a_customer(credit_limit="50.00")
    held = an_order(customer, line(widget, "1"), submit=True)
    other = an_order(customer, line(widget, "2"), submit=True)
    assert [o.pk for o in hold_queue()] == [held.pk, other.pk]

    pipeline.hold_release(order_id=held.pk, note="customer paid by phone", by=clerk)
    pipeline.hold_reject(order_id=other.pk, note="no", by=clerk)

    held.refresh_from_db()
    other.refresh_from_db()
    assert (held.status, held.fulfillment_status) == ("open", "allocated")
    assert other.status == "cancelled"
    assert CreditDecision.objects.filter(order=held).first().outcome == "released"
    assert CreditDecision.objects.filter(order=other).first().outcome == "rejected"
    with pytest.raises(Conflict):
        pipeline.hold_release(order_id=held.pk, note="again", by=clerk)


def test_held_orders_are_checked_again_when_the_position_changes(widget):
    customer = a_customer(credit_limit="100.00")
    first = an_order(customer, line(widget, "1"), submit=True)
    held = an_order(customer, line(widget, "1"), submit=True)
    assert held.status == "on_hold"

    pipeline.order_cancel(order_id=first.pk, reason="customer changed its mind", by=None)
    approved = pipeline.held_orders_recheck(customer_id=customer.pk)

    held.refresh_from_db()
    assert [o.pk for o in approved] == [held.pk] and held.status == "open"
    assert held.fulfillment_status == "allocated"


def test_the_position_counts_approved_uninvoiced_orders(widget):
    customer = a_customer(credit_limit="500.00")
    an_order(customer, line(widget, "2"), submit=True)
    an_order(customer, line(widget, "1"))  # a draft does not count
    position = customer_position(customer=customer)
    assert (position.open_orders_value, position.exposure, position.headroom) == (
        Decimal("120.00"),
        Decimal("120.00"),
        Decimal("380.00"),
    )


@pytest.mark.parametrize("step", ["hold_release", "hold_reject"])
def test_a_manual_decision_without_a_note_is_refused_and_changes_nothing(step, make_user):
    customer = a_customer(credit_limit="10.00")
    held = an_order(customer, line(a_product(price="50.00"), "1"), submit=True)
    with pytest.raises(DomainError) as refused:
        getattr(pipeline, step)(order_id=held.pk, note=" ", by=make_user("finance"))
    assert (refused.value.field, refused.value.code) == ("note", "note_required")
    held.refresh_from_db()
    assert held.status == "on_hold" and [d.outcome for d in held.credit_decisions.all()] == ["on_hold"]
