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


# ── e-mails at most once (docs/decisions/0028) ───────────────────────────────────────────────────


@pytest.mark.django_db
def test_an_email_carries_the_message_id_stored_before_the_send():
    message = OutboxMessage.objects.create(kind="email", payload=EMAIL, next_attempt_at=timezone.now())
    assert outbox.outbox_relay() == 1
    message.refresh_from_db()
    assert message.status == "delivered" and message.message_id.startswith("<")
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.message()["Message-ID"] == message.message_id


@pytest.mark.django_db
def test_a_refused_send_is_retried_with_the_same_message_id(monkeypatch):
    message = OutboxMessage.objects.create(kind="email", payload=EMAIL, next_attempt_at=timezone.now())
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", _refuse)
    assert outbox.outbox_relay() == 0
    message.refresh_from_db()
    assert (message.status, message.sending_at) == ("pending", None)
    assert "421" in message.last_error
    first_id = message.message_id

    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert outbox.outbox_relay() == 1
    message.refresh_from_db()
    assert message.message_id == first_id and mail.outbox[0].extra_headers["Message-ID"] == first_id


def _refuse(self, messages):
    raise ConnectionRefusedError("421 try again later")


@pytest.mark.django_db
def test_a_message_left_sending_by_a_dead_worker_is_never_sent_again(settings):
    settings.O2C_OUTBOX_SENDING_TIMEOUT = 600
    message = OutboxMessage.objects.create(
        kind="email",
        payload=EMAIL,
        next_attempt_at=timezone.now(),
        status="sending",
        message_id="<dead-worker@o2c.example>",
        sending_at=timezone.now() - timedelta(seconds=30),
        attempts=1,
    )
    assert outbox.outbox_relay() == 0
    message.refresh_from_db()
    assert message.status == "sending"  # maybe a live worker still sending it: left alone

    OutboxMessage.objects.filter(pk=message.pk).update(sending_at=timezone.now() - timedelta(minutes=11))
    assert outbox.outbox_relay() == 0
    message.refresh_from_db()
    assert message.status == "uncertain" and "<dead-worker@o2c.example>" in message.last_error
    assert mail.outbox == []
    assert outbox.outbox_relay() == 0 and mail.outbox == []
