"""The statements of `POST /api/v1/payments/` (automatic application, with an Idempotency-Key):
a fixed number, the same whatever the customer's history of paid invoices (decision 0050)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from o2c.roles import FINANCE
from tests.builders import an_invoice

# 46 before decision 0050, 41 after it, 31 after decision 0068 (the held orders read once with the
# invoices' orders, the locked customer passed on, no savepoints inside the step, the accounts read once)
PAYMENT_STATEMENTS = 31
_keys = itertools.count(1)


def _pay(client, customer, amount):
    body = {
        "customer": customer.pk,
        "amount": amount,
        "method": "bank_transfer",
        "reference": f"r{next(_keys)}",
        "received_on": timezone.localdate().isoformat(),
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"p{next(_keys)}"
        )
    assert response.status_code == 201, response.content
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_a_payment_takes_a_fixed_number_of_statements(api_client_for, customer, invoices):
    client = api_client_for(FINANCE)
    _pay(client, customer, "10.00")  # the process's first calls (caches) are not the steady state
    first = _pay(client, customer, "10.00")
    for _ in range(5):
        an_invoice(customer, "20.00")
        _pay(client, customer, "20.00")
    later = _pay(client, customer, "10.00")
    assert len(first) == len(later), "\n".join(later)
    assert len(first) <= PAYMENT_STATEMENTS, "\n".join(first)
