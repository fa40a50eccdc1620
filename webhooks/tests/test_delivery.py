"""Deliveries, as a user manual: an event becomes a signed POST per subscribed endpoint, retried
until the receiver says 2xx, in the order the events of one object happened."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from customers.services import customer_update
from o2c.errors import DomainError
from tests.builders import a_customer
from webhooks import payloads, services
from webhooks.errors import WebhookErrorCode
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def an_endpoint(url: str, events=("*",), **fields):
    return services.webhook_endpoint_create(url=url, events=list(events), **fields)


def send_due() -> int:
    return services.webhook_deliveries_send()


def retry_now() -> None:
    """The backoff is over: every pending delivery is due now."""
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())


def test_the_signature_verifies_independently_and_with_the_standard_library(receiver):
    endpoint = an_endpoint(receiver.url, events=["customer.created"])
    customer = a_customer(name="Kaffee Kontor")
    assert send_due() == 1

    (post,) = receiver.posts()
    delivery = WebhookDelivery.objects.get()
    assert post.headers["webhook-id"] == delivery.event_id and delivery.event_id.startswith("msg_")
    assert post.headers["content-type"] == "application/json"
    # Computed here with hmac and base64, as the specification says, not by the code under test.
    key = base64.b64decode(endpoint.secret.removeprefix("whsec_"))
    assert len(key) >= 24
    signed = f"{post.headers['webhook-id']}.{post.headers['webhook-timestamp']}.".encode() + post.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert post.headers["webhook-signature"] == f"v1,{expected}"
    assert abs(int(post.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 300
    # And as a receiver would, with the Standard Webhooks library.
    payload = Webhook(endpoint.secret).verify(post.body, post.headers)
    assert payload["type"] == "customer.created" and payload["timestamp"].endswith("Z")
    assert payload["data"]["id"] == customer.pk and payload["data"]["name"] == "Kaffee Kontor"
    assert payload["data"]["balance"] == "0.00"  # the object as the API shows it (credit position)
    with pytest.raises(Exception, match="signature"):
        Webhook(services.endpoints.webhook_secret_new()).verify(post.body, post.headers)


def test_a_receiver_failing_three_times_gets_the_event_once_more_and_no_duplicate(receiver):
    receiver.plan = [500, 503, 404]
    an_endpoint(receiver.url)
    a_customer()
    delivery = WebhookDelivery.objects.get()
    first_due = delivery.next_attempt_at

    for _ in range(3):
        assert send_due() == 1
        assert send_due() == 0  # not due again before its backoff
        retry_now()
    assert send_due() == 1
    for _ in range(3):  # delivered: never sent again
        retry_now()
        assert send_due() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 4)
    assert [a.status_code for a in delivery.attempt_rows.all()] == [500, 503, 404, 200]
    assert delivery.attempt_rows.first().response_excerpt == "no: 500"
    posts = receiver.posts()
    assert len(posts) == 4 and {p.headers["webhook-id"] for p in posts} == {delivery.event_id}
    assert {p.body for p in posts} == {delivery.body.encode()}
    assert delivery.give_up_at == first_due + timedelta(hours=24)


def test_backoff_grows_and_after_24_hours_the_delivery_fails(receiver):
    receiver.plan = [500] * 100
    an_endpoint(receiver.url)
    a_customer()
    delivery = WebhookDelivery.objects.get()
    gaps = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        while delivery.status == "pending":
            clock.move_to(delivery.next_attempt_at)
            send_due()
            before = delivery.next_attempt_at
            delivery.refresh_from_db()
            gaps.append(delivery.next_attempt_at - before)
    assert delivery.status == "failed" and delivery.attempts == len(receiver.posts())
    assert gaps[:4] == [
        timedelta(seconds=5),
        timedelta(seconds=15),
        timedelta(seconds=45),
        timedelta(seconds=135),
    ]
    assert delivery.attempt_rows.last().attempted_at == delivery.give_up_at  # tried at the very end
    assert max(gaps) <= timedelta(hours=6)


def test_a_redirect_is_not_followed(receiver):
    receiver.redirect_to = receiver.url  # would deliver if followed
    an_endpoint(receiver.url.replace("/hook", "/redirect"))
    a_customer()
    send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_rows.get().status_code == 302
    assert receiver.posts("/hook") == [] and len(receiver.posts("/redirect")) == 1


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(receiver):
    import threading

    receiver.gate = threading.Event()
    an_endpoint(receiver.url)
    a_customer()
    with override_settings(O2C_WEBHOOK_TIMEOUT=0.5):
        send_due()
    receiver.gate.set()
    attempt = WebhookDelivery.objects.get().attempt_rows.get()
    assert attempt.status_code is None and "Timeout" in attempt.error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://224.0.0.1/hook",
        "https://0.0.0.0/hook",
        "https://240.0.0.1/hook",
    ],
)
def test_private_addresses_are_refused_unless_the_setting(url):
    with (
        override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=False, DEBUG=False),
        pytest.raises(DomainError) as refused,
    ):
        an_endpoint(url)
    assert refused.value.field == "url"
    assert refused.value.code in (WebhookErrorCode.URL_ADDRESS_NOT_ALLOWED, WebhookErrorCode.URL_NOT_HTTPS)
    with override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=True):
        assert an_endpoint(url).url == url


def test_plain_http_and_odd_urls_are_refused():
    with (
        override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=False, DEBUG=False),
        pytest.raises(DomainError) as refused,
    ):
        an_endpoint("http://93.184.215.14/hook")
    assert refused.value.code == WebhookErrorCode.URL_NOT_HTTPS
    for url in [
        "ftp://example.com/x",
        "https://user:pw@example.com/",
        "https:///path",
        "https://host:99999/",
    ]:
        with pytest.raises(DomainError) as refused:
            an_endpoint(url)
        assert (refused.value.field, refused.value.code) == ("url", WebhookErrorCode.URL_INVALID)


def test_an_address_that_became_private_is_not_sent_to(receiver):
    """Checked again before each send: a name rebound to a private address is refused then."""
    an_endpoint(receiver.url)
    a_customer()
    with override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=False, DEBUG=False):
        send_due()
    attempt = WebhookDelivery.objects.get().attempt_rows.get()
    assert receiver.posts() == [] and attempt.status_code is None and "not sent" in attempt.error


def test_a_change_that_rolls_back_writes_no_delivery(receiver):
    an_endpoint(receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        a_customer()
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request fails")
    assert WebhookDelivery.objects.count() == 0


def test_without_a_subscribed_endpoint_nothing_is_rendered_or_written(receiver, monkeypatch):
    an_endpoint(receiver.url, events=["invoice.paid"])
    an_endpoint(receiver.url, events=["*"], active=False)
    monkeypatch.setattr(payloads, "RENDERERS", {})  # rendering would be seen: {"id": …} only

    def never(subject):
        raise AssertionError("rendered for nobody")

    monkeypatch.setattr("webhooks.services.events.payload_data", never)
    a_customer()
    assert WebhookDelivery.objects.count() == 0


def test_the_events_of_one_object_are_delivered_in_order(receiver):
    receiver.plan = [500]  # the first event fails once
    endpoint = an_endpoint(receiver.url)
    first = a_customer()
    customer_update(customer_id=first.pk, by=None, name="Second name")
    other = a_customer()

    send_due()  # created(first) fails; updated(first) waits for it; created(other) goes
    assert [json.loads(p.body)["type"] for p in receiver.posts()] == ["customer.created", "customer.created"]
    assert [json.loads(p.body)["data"]["id"] for p in receiver.posts()] == [first.pk, other.pk]
    retry_now()
    send_due()
    seen = [(json.loads(p.body)["type"], json.loads(p.body)["data"]["id"]) for p in receiver.posts()]
    assert seen[2:] == [("customer.created", first.pk), ("customer.updated", first.pk)]
    assert set(endpoint.deliveries.values_list("status", flat=True)) == {"delivered"}


def test_a_failed_delivery_no_longer_holds_back_the_later_ones(receiver):
    receiver.plan = [500]
    an_endpoint(receiver.url)
    customer = a_customer()
    customer_update(customer_id=customer.pk, by=None, name="Later")
    send_due()
    WebhookDelivery.objects.filter(event_type="customer.created").update(status="failed")
    send_due()
    assert [json.loads(p.body)["type"] for p in receiver.posts()] == ["customer.created", "customer.updated"]


def test_resend_sends_again_with_the_same_webhook_id(receiver):
    an_endpoint(receiver.url)
    a_customer()
    send_due()
    delivery = WebhookDelivery.objects.get()
    services.webhook_delivery_resend(delivery_id=delivery.pk)
    send_due()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert [p.headers["webhook-id"] for p in receiver.posts()] == [delivery.event_id] * 2


def test_a_disabled_endpoint_gets_nothing_and_its_deliveries_wait(receiver):
    endpoint = an_endpoint(receiver.url)
    a_customer()
    services.webhook_endpoint_update(endpoint_id=endpoint.pk, active=False)
    assert send_due() == 0
    a_customer()  # nothing written for a disabled endpoint
    assert WebhookDelivery.objects.count() == 1
    services.webhook_endpoint_update(endpoint_id=endpoint.pk, active=True)
    assert send_due() == 1


def test_the_secret_is_whsec_and_rotation_signs_with_the_new_one(receiver):
    endpoint = an_endpoint(receiver.url)
    old = endpoint.secret
    assert old.startswith("whsec_") and len(base64.b64decode(old[6:])) == 24
    rotated = services.webhook_endpoint_rotate_secret(endpoint_id=endpoint.pk)
    assert rotated.secret != old
    a_customer()
    send_due()
    (post,) = receiver.posts()
    Webhook(rotated.secret).verify(post.body, post.headers)


def test_one_send_task_per_transaction_runs_after_the_commit(receiver, django_capture_on_commit_callbacks):
    from webhooks.services.events import send_soon

    an_endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        customer = a_customer()
        customer_update(customer_id=customer.pk, by=None, name="Renamed")
        assert receiver.posts() == []  # nothing leaves before the commit
    assert [callback for callback in callbacks if callback is send_soon] == [send_soon]
    # the task (eager in the tests) sent both, in order
    assert [json.loads(p.body)["type"] for p in receiver.posts()] == ["customer.created", "customer.updated"]


def test_a_send_that_cannot_be_queued_does_not_fail_the_committed_change(receiver, monkeypatch, caplog):
    from webhooks import tasks
    from webhooks.services.events import send_soon

    def broker_away():
        raise ConnectionError("broker away")

    monkeypatch.setattr(tasks.webhook_deliveries_send, "delay", broker_away)
    send_soon()
    assert "could not be queued" in caplog.text


def test_a_binary_answer_is_recorded_without_failing_the_sender(receiver):
    receiver.plan, receiver.answer = [500], b"\x00\xff" * 2000
    an_endpoint(receiver.url)
    a_customer()
    send_due()
    attempt = WebhookDelivery.objects.get().attempt_rows.get()
    assert attempt.status_code == 500 and "\x00" not in attempt.response_excerpt
    assert len(attempt.response_excerpt) <= 1000


def test_deliveries_to_a_receiver_reuse_one_connection_unless_its_answer_is_long():
    """A worker keeps its connection to a receiver (one session per process, decision 0052); an
    answer too long to read past the excerpt closes it, so the next delivery opens another."""
    from webhooks.tests.receiver import Receiver

    receiver = Receiver(keep_alive=True).start()
    try:
        an_endpoint(receiver.url, events=["customer.created"])
        for name in ("Kaffee Kontor", "Teehaus", "Bohnenstube"):
            a_customer(name=name)
        assert send_due() == 3
        assert len(receiver.posts()) == 3 and receiver.connections == 1

        receiver.answer = b"x" * 200_000
        for name in ("Milchbar", "Zuckerdose"):
            a_customer(name=name)
        assert send_due() == 2
        assert WebhookDelivery.objects.filter(status="delivered").count() == 5
        assert receiver.connections == 2  # the first long answer closed the kept one: a new one
    finally:
        receiver.stop()
