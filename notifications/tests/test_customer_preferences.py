"""A customer's language and opt-outs, on the API and the customer page (invoices cannot be
turned off: there is no field for them)."""

from __future__ import annotations

import pytest
from django.test import Client

from customers.models import Customer
from tests.builders import a_customer

pytestmark = pytest.mark.django_db


def test_the_api_takes_and_shows_the_language_and_the_opt_outs(api_client_for, settings):
    client = api_client_for("sales")
    created = client.post(
        "/api/v1/customers/",
        {"code": "C-DE1", "name": "Kaffeehaus", "email": "ap@kaffee.example", "language": "de"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["language"] == "de"
    assert [body[name] for name in ("notify_order_confirmation", "notify_shipping_notice")] == [True, True]

    patched = client.patch(
        f"/api/v1/customers/{body['id']}/", {"notify_shipping_notice": False}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["notify_shipping_notice"] is False
    assert Customer.objects.get(pk=body["id"]).notify_order_confirmation is True

    refused = client.patch(f"/api/v1/customers/{body['id']}/", {"language": "xx"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()


def test_a_new_customer_takes_the_default_language_setting(settings):
    assert a_customer().language == "en"
    settings.O2C_DEFAULT_CUSTOMER_LANGUAGE = "de"
    assert a_customer().language == "de"


def test_the_customer_page_edits_them(make_user):
    customer = a_customer(name="Page Buyer")
    client = Client()
    client.force_login(make_user("sales", "seller"))
    page = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "Late-shipment notice" in page and 'name="language"' in page
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "code": customer.code,
            "name": customer.name,
            "email": customer.email,
            "currency": "EUR",
            "payment_terms_days": "30",
            "shipping_address": customer.shipping_address,
            "credit_limit": "0.00",
            "language": "de",
            "notifications_shown": "True",  # the form shows the boxes: an unchecked one is an opt-out
            "notify_order_confirmation": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.language == "de"
    assert (customer.notify_order_confirmation, customer.notify_shipping_notice) == (True, False)

    # a post that never showed the boxes (a script, an older form) leaves them as they were
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "code": customer.code,
            "name": "Renamed",
            "email": customer.email,
            "currency": "EUR",
            "payment_terms_days": "30",
            "shipping_address": customer.shipping_address,
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.language, customer.notify_shipping_notice) == ("Renamed", "de", False)
