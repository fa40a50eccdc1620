"""Shipment status changes go through Shipment.TRANSITIONS: packing, shipping, delivering and
cancelling each write an event row naming who did it; a step out of order is a 409."""

import pytest

from fulfillment.models import Shipment
from o2c import pipeline
from o2c.errors import InvalidTransition
from o2c.states import transition
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def pick_list(make_user):
    widget = a_product()
    stock(widget, "5")
    order = an_order(a_customer(), line(widget, "2"), submit=True)
    return pipeline.shipment_create(order_id=order.pk, by=make_user("warehouse", "picker"))


def _moves(shipment):
    return [(e.event, e.from_status, e.to_status, e.actor, e.detail) for e in shipment.events.all()]


def test_packing_shipping_and_delivering_each_record_the_clerk(make_user, pick_list):
    packer, driver = make_user("warehouse", "packer"), make_user("warehouse", "driver")

    pipeline.shipment_pack(shipment_id=pick_list.pk, by=packer)
    pipeline.shipment_ship(shipment_id=pick_list.pk, carrier="DHL", tracking_number="JD01", by=packer)
    pipeline.shipment_deliver(shipment_id=pick_list.pk, by=driver)

    assert _moves(Shipment.objects.get(pk=pick_list.pk)) == [
        ("packed", "picking", "packed", packer, ""),
        ("shipped", "packed", "shipped", packer, "DHL JD01"),
        ("delivered", "shipped", "delivered", driver, ""),
    ]


@pytest.mark.parametrize(
    ("done", "refused"),
    [([], "delivered"), ([], "shipped"), (["packed"], "picking"), (["packed", "shipped"], "cancelled")],
)
def test_a_step_out_of_order_is_a_409_and_changes_nothing(make_user, pick_list, done, refused):
    clerk = make_user("warehouse", "clerk")
    for target in done:
        transition(pick_list, target, by=clerk)
    with pytest.raises(InvalidTransition) as error:
        transition(pick_list, refused, by=clerk)
    assert error.value.status_code == 409
    pick_list.refresh_from_db()
    assert pick_list.status == (done[-1] if done else "picking")
    assert pick_list.events.count() == len(done)


def test_delivering_a_pick_list_through_the_pipeline_is_refused(make_user, pick_list):
    with pytest.raises(InvalidTransition):
        pipeline.shipment_deliver(shipment_id=pick_list.pk, by=make_user("warehouse", "clerk"))
    pick_list.refresh_from_db()
    assert (pick_list.status, pick_list.delivered_at, pick_list.events.count()) == ("picking", None, 0)


def test_cancelling_the_order_cancels_its_pick_lists_with_the_reason(make_user, pick_list):
    seller = make_user("sales")
    pipeline.order_cancel(order_id=pick_list.order_id, reason="no longer needed", by=seller)
    assert _moves(Shipment.objects.get(pk=pick_list.pk)) == [
        ("cancelled", "picking", "cancelled", seller, "no longer needed")
    ]
