"""The audit trail: every change of a tracked row is an event, with who made it and where."""

from decimal import Decimal

import pghistory.models
import pytest

from customers.services import customer_create


@pytest.mark.django_db
def test_a_credit_limit_change_in_a_request_is_recorded_with_its_user(client, make_user):
    manager = make_user("manager", "max")
    manager.is_staff = True
    manager.save()
    customer = customer_create(
        code="C1", name="Acme", email="ap@acme.example", credit_limit=Decimal("1000.00")
    )
    client.force_login(manager)

    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {
            "code": "C1",
            "name": "Acme",
            "email": "ap@acme.example",
            "currency": "EUR",
            "payment_terms_days": 30,
            "credit_limit": "2500.00",
            "dunning_enabled": "on",
        },
    )
    assert response.status_code == 302, response.content

    events = {event.pgh_label: event for event in pghistory.models.Events.objects.tracks(customer)}
    assert set(events) == {"insert", "update"}
    change = events["update"]
    assert [Decimal(str(value)) for value in change.pgh_diff["credit_limit"]] == [
        Decimal(1000),
        Decimal(2500),
    ]
    assert change.pgh_context["user"] == manager.pk
    assert change.pgh_context["url"].endswith("/change/")
