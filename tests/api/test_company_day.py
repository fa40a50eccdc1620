"""The API works on the company's day and writes its timestamps in UTC (API.md).

Until this test, every API request switched the whole request to UTC so that timestamps came out
as `…Z`; that also made `timezone.localdate()` the UTC day, so between midnight in Berlin and
midnight UTC a payment received "today" was refused as in the future and documents were dated
yesterday. Timestamps are now written in UTC by the one serializer field (o2c.api_fields).
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db

# 23:30 UTC on 7 December is 00:30 on 8 December in Berlin (the test settings' company time).
LATE_EVENING_UTC = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


def test_after_midnight_in_the_company_a_payment_of_its_today_is_accepted_and_stamped_in_utc(
    api_client_for,
):
    finance = api_client_for("finance")
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        response = finance.post(
            "/api/v1/payments/",
            {
                "customer": customer.pk,
                "amount": "100.00",
                "method": "bank_transfer",
                "reference": invoice.number,
                "received_on": "2026-12-08",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["received_on"] == "2026-12-08"
        assert body["created_at"] == "2026-12-07T23:30:00Z"
        tomorrow = finance.post(
            "/api/v1/payments/",
            {
                "customer": customer.pk,
                "amount": "1.00",
                "method": "bank_transfer",
                "received_on": "2026-12-09",
            },
            format="json",
        )
    assert tomorrow.status_code == 400 and "received_on" in tomorrow.json()


def test_a_customer_read_through_the_api_has_utc_timestamps_on_a_company_day(api_client_for):
    sales = api_client_for("sales")
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        created = sales.post(
            "/api/v1/customers/",
            {"code": "NACHT", "name": "Nachtschicht GmbH", "email": "ap@nacht.example"},
            format="json",
        )
    assert created.status_code == 201, created.json()
    assert created.json()["created_at"] == "2026-12-07T23:30:00Z"
    assert date.fromisoformat(created.json()["created_at"][:10]) == date(2026, 12, 7)
