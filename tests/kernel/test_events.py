"""The domain-event bus (o2c/events.py): listeners hear events in the emitter's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from o2c import events
from o2c.events import event_emit, event_listen
from o2c.models import OutboxMessage
from tests.builders import a_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(events, "_listeners", {})
    got = []
    event_listen("order.submitted", lambda event: got.append(("one", event.type)))
    event_listen("*", lambda event: got.append(("all", event.type)))
    return got


def test_a_listener_hears_its_type_and_a_star_listener_hears_every_type(heard):
    customer = a_customer()
    heard.clear()  # its customer.created
    event_emit("order.submitted", customer)
    event_emit("customer.updated", customer, fields=["name"])
    assert heard == [("one", "order.submitted"), ("all", "order.submitted"), ("all", "customer.updated")]


def test_an_unknown_type_is_refused_on_listen_and_on_emit(heard):
    with pytest.raises(ValueError, match="unknown event type"):
        event_listen("order.teleported", print)
    with pytest.raises(ValueError, match="unknown event type"):
        event_emit("order.teleported", a_customer())


def test_what_a_listener_writes_rolls_back_with_the_change(monkeypatch):
    monkeypatch.setattr(events, "_listeners", {})
    customer = a_customer()  # before the listener: its customer.created is not counted
    event_listen(
        "*",
        lambda event: OutboxMessage.objects.create(
            kind="test", payload={"type": event.type}, next_attempt_at=event.at
        ),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        event_emit("customer.updated", customer)
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.filter(kind="test").exists()
    event_emit("customer.updated", customer)
    assert OutboxMessage.objects.filter(kind="test").count() == 1
