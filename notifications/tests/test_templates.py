"""The company edits its e-mails: a bad placeholder is refused when saved (service, page and
admin), never met at send time; the settings and carriers pages; the defaults seeded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from notifications.defaults import DEFAULT_TEMPLATES
from notifications.models import CarrierTracking, Kind, NotificationSettings, NotificationTemplate
from notifications.placeholders import template_errors, tracking_url_errors
from notifications.selectors import tracking_url
from notifications.services import carrier_tracking_save, notification_template_update
from o2c.errors import DomainError

pytestmark = pytest.mark.django_db


def a_template(kind=Kind.SHIPPING_NOTICE, language="en") -> NotificationTemplate:
    return NotificationTemplate.objects.get(kind=kind, language=language)


@pytest.fixture
def manager(make_user):
    client = Client()
    client.force_login(make_user("manager", "boss"))
    return client


def test_the_migration_seeds_every_kind_in_english_and_german_and_the_review_note_off():
    seeded = set(NotificationTemplate.objects.values_list("kind", "language"))
    assert seeded == set(DEFAULT_TEMPLATES) == {(kind, lang) for kind in Kind.values for lang in ("en", "de")}
    assert NotificationSettings.objects.get(pk=1).order_review_enabled is False
    assert CarrierTracking.objects.filter(carrier="DHL").exists()
    for (kind, _), (subject, body) in DEFAULT_TEMPLATES.items():
        assert template_errors(kind=kind, subject=subject, body=body) == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hello {customer}", "unknown placeholder {customer}"),
        ("{order.customer.name}", "unknown placeholder {order.customer.name}"),
        ("{order_number[0]}", "unknown placeholder {order_number[0]}"),
        ("{}", "unknown placeholder {}"),
        ("{order_number!r}", "without ':' or '!'"),
        ("{order_total:>30}", "without ':' or '!'"),
        ("Total {order_total", "a brace is not closed"),
        ("a } alone", "a brace is not closed"),
        ("{sales_owner_name}", "unknown placeholder {sales_owner_name}"),  # the internal notice's only
    ],
)
def test_a_bad_placeholder_is_refused_at_edit_naming_the_field(body, message):
    template = a_template()
    with pytest.raises(DomainError) as refused:
        notification_template_update(template_id=template.pk, subject=template.subject, body=body, by=None)
    assert refused.value.field == "body" and refused.value.code == "bad_placeholder"
    assert message in refused.value.message
    assert a_template().body == template.body  # nothing written


def test_literal_braces_and_the_kinds_own_placeholders_are_accepted():
    template = a_template()
    notification_template_update(
        template_id=template.pk,
        subject="On its way: {order_number}",
        body="{{literally}} {tracking_url} {estimated_delivery}",
        by=None,
    )
    assert a_template().subject == "On its way: {order_number}"


def test_the_model_check_refuses_it_too_for_the_admin():
    template = a_template(Kind.ORDER_CONFIRMATION)
    template.subject = "Order {tracking_url}"  # a shipment's placeholder on an order e-mail
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert "subject" in refused.value.message_dict


def test_the_template_page_shows_the_error_and_keeps_the_template(manager):
    template = a_template()
    response = manager.post(
        f"/notifications/templates/{template.pk}/", {"subject": "Hi {bogus}", "body": "fine"}
    )
    assert response.status_code == 400
    assert "unknown placeholder {bogus}" in response.content.decode()
    assert a_template().subject == template.subject

    response = manager.post(
        f"/notifications/templates/{template.pk}/",
        {"subject": "Shipped {order_number}", "body": "Hi {customer_name}"},
    )
    assert response.status_code == 302
    assert (a_template().subject, a_template().updated_by.username) == ("Shipped {order_number}", "boss")


def test_the_admin_refuses_a_bad_placeholder(make_user):
    admin_user = make_user(None, "root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)
    template = a_template()
    response = client.post(
        f"/admin/notifications/notificationtemplate/{template.pk}/change/",
        {"kind": template.kind, "language": "en", "subject": "x", "body": "{nope}"},
    )
    assert response.status_code == 200 and "unknown placeholder {nope}" in response.content.decode()
    assert a_template().body == template.body


def test_the_settings_page_turns_the_review_note_on(manager, make_user):
    assert manager.get("/notifications/").status_code == 200
    assert manager.post("/notifications/", {"order_review_enabled": "on"}).status_code == 302
    assert NotificationSettings.objects.get(pk=1).order_review_enabled is True
    sales = Client()
    sales.force_login(make_user("sales", "seller"))
    assert sales.get("/notifications/").status_code == 403


def test_carriers_are_checked_and_matched_in_any_case(manager):
    assert tracking_url_errors(url_template="ftp://x/{tracking_number}") is not None
    assert tracking_url_errors(url_template="https://x.example/track") is not None  # no number
    response = manager.post(
        "/notifications/carriers/", {"carrier": "Hermes", "url_template": "https://t.example/{parcel}"}
    )
    assert response.status_code == 400 and "unknown placeholder {parcel}" in response.content.decode()
    response = manager.post(
        "/notifications/carriers/",
        {"carrier": "Hermes", "url_template": "https://t.example/?n={tracking_number}"},
    )
    assert response.status_code == 302
    assert tracking_url(carrier=" hermes ", tracking_number="A B") == "https://t.example/?n=A%20B"
    with pytest.raises(DomainError):
        carrier_tracking_save(carrier="HERMES", url_template="https://other.example/{tracking_number}")
    assert tracking_url(carrier="Nobody", tracking_number="1") == ""
