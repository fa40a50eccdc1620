"""The webhook pages: managers add an endpoint (its secret shown once), rotate, disable, delete;
the deliveries list and a delivery with its attempts and a Resend button."""

from __future__ import annotations

import pytest

from tests.builders import a_customer
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, make_user):
    client.force_login(make_user("manager"))
    return client


def test_other_roles_get_a_403(client, make_user):
    client.force_login(make_user("finance"))
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.get("/settings/webhooks/deliveries/").status_code == 403


def test_a_manager_adds_an_endpoint_and_sees_its_secret_once(manager):
    page = manager.post("/settings/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["*"]})
    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in page.content.decode() and 'data-testid="new-secret"' in page.content.decode()
    again = manager.get("/settings/webhooks/").content.decode()
    assert endpoint.secret not in again and "http://127.0.0.1:9/hook" in again

    rotated = manager.post(f"/settings/webhooks/{endpoint.pk}/", {"action": "rotate"}).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated
    manager.post(f"/settings/webhooks/{endpoint.pk}/", {"action": "disable"})
    assert WebhookEndpoint.objects.get().active is False
    manager.post(f"/settings/webhooks/{endpoint.pk}/", {"action": "enable"})
    assert WebhookEndpoint.objects.get().active is True
    manager.post(f"/settings/webhooks/{endpoint.pk}/", {"action": "delete"})
    assert not WebhookEndpoint.objects.exists()


def test_a_refused_url_is_shown_on_the_form(manager, settings):
    settings.O2C_WEBHOOK_ALLOW_PRIVATE, settings.DEBUG = False, False
    page = manager.post("/settings/webhooks/", {"url": "https://127.0.0.1/hook", "events": ["*"]})
    assert page.status_code == 400 and 'data-testid="url-error"' in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_deliveries_list_detail_and_resend(manager, receiver):
    receiver.plan = [502]
    services.webhook_endpoint_create(url=receiver.url, events=["*"])
    a_customer()
    services.webhook_deliveries_send()
    delivery = WebhookDelivery.objects.get()

    listed = manager.get("/settings/webhooks/deliveries/?status=pending")
    assert listed.status_code == 200 and listed.content.decode().count('data-testid="delivery-row"') == 1
    assert (
        manager.get("/settings/webhooks/deliveries/?status=delivered")
        .content.decode()
        .count('data-testid="delivery-row"')
        == 0
    )
    assert manager.get("/settings/webhooks/deliveries/?export=csv").status_code == 200

    detail = manager.get(f"/settings/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert detail.count('data-testid="attempt-row"') == 1 and "502" in detail and delivery.event_id in detail
    assert manager.post(f"/settings/webhooks/deliveries/{delivery.pk}/").status_code == 302
    services.webhook_deliveries_send()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
