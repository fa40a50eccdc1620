"""The outbox: effects recorded in the caller's transaction, delivered after commit, retried."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from o2c import outbox
from o2c.models import OutboxMessage

EMAIL = {"to": ["ap@customer.example"], "subject": "Statement", "body": "Your statement."}


@pytest.mark.django_db(transaction=True)
def test_delivered_after_commit_and_not_at_all_after_rollback():
    with transaction.atomic():
        outbox.outbox_enqueue(kind="email", payload=EMAIL)
        assert mail.outbox == []  # nothing leaves before commit
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Statement"
    assert OutboxMessage.objects.get().status == "delivered"

    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.outbox_enqueue(kind="email", payload=EMAIL)
        raise RuntimeError("the business transaction failed")
    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failing_handler_is_retried_with_backoff_then_marked_failed(monkeypatch):
    calls = []

    def broken(message):
        calls.append(message.pk)
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setitem(outbox._handlers, "email", broken)
    message = OutboxMessage.objects.create(kind="email", payload=EMAIL, next_attempt_at=timezone.now())

    assert outbox.outbox_relay() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "smtp down" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert outbox.outbox_relay() == 0 and len(calls) == 1  # not due yet

    for _ in range(outbox.MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox.outbox_relay()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)


def test_backoff_doubles_and_is_capped():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.retry_delay(30) == timedelta(hours=6)


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        outbox.outbox_enqueue(kind="carrier-pigeon", payload={})
