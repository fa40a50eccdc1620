"""The webhooks API of API.md: managers only, the secret shown once, URLs checked with a code on
`url`, deliveries with every attempt, resend."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.builders import a_customer
from tests.errors import error_code
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhooks/endpoints/"
DELIVERIES = "/api/v1/webhooks/deliveries/"


@pytest.fixture
def manager(api_client_for):
    return api_client_for("manager")


@pytest.mark.parametrize("role", ["sales", "finance", "warehouse"])
def test_only_managers_reach_the_webhooks(api_client_for, role):
    endpoint = services.webhook_endpoint_create(url="http://127.0.0.1:9/hook", events=["*"])
    client = api_client_for(role)
    for method, url in [
        ("get", ENDPOINTS),
        ("post", ENDPOINTS),
        ("get", f"{ENDPOINTS}{endpoint.pk}/"),
        ("patch", f"{ENDPOINTS}{endpoint.pk}/"),
        ("delete", f"{ENDPOINTS}{endpoint.pk}/"),
        ("post", f"{ENDPOINTS}{endpoint.pk}/rotate-secret/"),
        ("get", DELIVERIES),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.content)
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_the_secret_is_shown_at_creation_and_rotation_only(manager):
    response = manager.post(
        ENDPOINTS,
        {"url": "http://127.0.0.1:9/hook", "events": ["order.submitted", "invoice.paid"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_") and created["active"] is True
    assert created["events"] == ["order.submitted", "invoice.paid"]
    read = manager.get(f"{ENDPOINTS}{created['id']}/").json()
    assert "secret" not in read and read["url"] == "http://127.0.0.1:9/hook"
    assert all("secret" not in item for item in manager.get(ENDPOINTS).json()["results"])

    rotated = manager.post(f"{ENDPOINTS}{created['id']}/rotate-secret/").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert WebhookEndpoint.objects.get().secret == rotated["secret"]


def test_patch_and_delete(manager):
    created = manager.post(ENDPOINTS, {"url": "http://127.0.0.1:9/a", "events": ["*"]}, format="json").json()
    url = f"{ENDPOINTS}{created['id']}/"
    changed = manager.patch(url, {"active": False, "events": ["customer.created", "*"]}, format="json")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert changed.json()["events"] == ["*"]
    assert manager.delete(url).status_code == 204
    assert manager.get(url).status_code == 404
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/hook", "url_address_not_allowed"),
        ("https://10.0.0.8/hook", "url_address_not_allowed"),
        ("http://93.184.215.14/hook", "url_not_https"),
        ("ftp://example.com/", "url_invalid"),
        ("https://no-such-host.invalid/hook", "url_unresolvable"),
    ],
)
def test_a_refused_url_is_a_400_on_url_with_its_code_and_writes_nothing(manager, url, code):
    with override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=False, DEBUG=False):
        response = manager.post(ENDPOINTS, {"url": url, "events": ["*"]}, format="json")
        assert response.status_code == 400, response.content
        assert error_code(response) == code and "url" in response.json()
    assert not WebhookEndpoint.objects.exists()


def test_a_refused_url_on_patch_is_a_400_and_changes_nothing(manager):
    endpoint = services.webhook_endpoint_create(url="http://127.0.0.1:9/hook", events=["*"])
    with override_settings(O2C_WEBHOOK_ALLOW_PRIVATE=False, DEBUG=False):
        response = manager.patch(f"{ENDPOINTS}{endpoint.pk}/", {"url": "https://192.168.1.1/"}, format="json")
    assert response.status_code == 400 and error_code(response) == "url_address_not_allowed"
    assert WebhookEndpoint.objects.get().url == "http://127.0.0.1:9/hook"


@pytest.mark.parametrize("events", [[], ["order.teleported"], "order.created", None])
def test_bad_event_lists_are_a_400_on_events(manager, events):
    response = manager.post(ENDPOINTS, {"url": "http://127.0.0.1:9/hook", "events": events}, format="json")
    assert response.status_code == 400 and "events" in response.json()
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_with_their_attempts_filters_and_resend(manager, receiver):
    receiver.plan = [500]
    endpoint = services.webhook_endpoint_create(url=receiver.url, events=["customer.created"])
    other = services.webhook_endpoint_create(url=receiver.url, events=["*"], active=False)
    customer = a_customer()
    services.webhook_deliveries_send()

    listed = manager.get(DELIVERIES).json()
    assert listed["count"] == 1
    (item,) = listed["results"]
    assert item["event_type"] == "customer.created" and item["status"] == "pending"
    assert item["endpoint"] == endpoint.pk and item["object"] == f"customers.customer:{customer.pk}"
    assert manager.get(DELIVERIES, {"status": "delivered"}).json()["count"] == 0
    assert manager.get(DELIVERIES, {"endpoint": other.pk}).json()["count"] == 0
    assert manager.get(DELIVERIES, {"event_type": "customer.created"}).json()["count"] == 1
    assert manager.get(DELIVERIES, {"status": "nonsense"}).status_code == 400

    detail = manager.get(f"{DELIVERIES}{item['id']}/").json()
    assert detail["payload"]["type"] == "customer.created" and detail["payload"]["data"]["id"] == customer.pk
    (attempt,) = detail["attempt_list"]
    assert (
        attempt["status_code"] == 500
        and attempt["duration_ms"] >= 0
        and attempt["response_excerpt"] == "no: 500"
    )

    resent = manager.post(f"{DELIVERIES}{item['id']}/resend/")
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    services.webhook_deliveries_send()
    detail = manager.get(f"{DELIVERIES}{item['id']}/").json()
    assert detail["status"] == "delivered"
    assert [a["status_code"] for a in detail["attempt_list"]] == [500, 200]
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"endpoint": "²"},
        {"endpoint": "99999999999999999999999"},
        {"endpoint": "-1"},
        {"event_type": "order.teleported"},
        {"status": "\x00"},
        {"ordering": "secret"},
    ],
)
def test_odd_filters_are_a_400_or_ignored_never_a_500(manager, query):
    assert manager.get(DELIVERIES, query).status_code in (200, 400)


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://[::1/hook", "events": ["*"]},
        {"url": "http://host:99999/", "events": ["*"]},
        {"url": "http://a\x00b/", "events": ["*"]},
        {"url": "https://" + "a" * 2100, "events": ["*"]},
        {"url": 12, "events": ["*"]},
        {"url": "http://127.0.0.1/", "events": ["*"], "description": "x\x00"},
        {"url": "http://127.0.0.1/", "events": [["*"]]},
        {"url": "http://127.0.0.1/", "events": ["*"], "active": "maybe"},
    ],
)
def test_bad_bodies_are_a_400_and_write_nothing(manager, body):
    response = manager.post(ENDPOINTS, body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(error_code(response), str)
    assert not WebhookEndpoint.objects.exists()


def test_ids_beyond_any_row_are_a_404_or_400(manager):
    for url in [
        f"{ENDPOINTS}99999999/",
        f"{DELIVERIES}99999999/",
        f"{DELIVERIES}9999999999999999999999/resend/",
    ]:
        method = manager.post if url.endswith("resend/") else manager.get
        assert method(url).status_code in (400, 404)
