"""Fixtures of the cash tests: a customer and two of its invoices, one overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.builders import a_customer, an_invoice


@pytest.fixture
def customer():
    return a_customer(code="ACME", name="Acme Trading GmbH", payment_terms_days=30)


@pytest.fixture
def invoices(customer):
    """Oldest due first: 100.00 issued 40 days ago (10 days overdue), then 50.00 issued today."""
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        old = an_invoice(customer, "100.00")
    new = an_invoice(customer, "50.00")
    return old, new
