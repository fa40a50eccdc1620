"""The invoice of the cash-discount and VAT scenarios: 3 × 33.33 at 19 % and 1 × 12.50 at 7 %."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.builders import a_product, an_order, line


def two_rate_invoice(customer, *, days_ago: int):
    """Net 112.49, tax 19.88, total 132.37, issued `days_ago` days ago (services: on approval)."""
    a = a_product(price="33.33", tax_rate="19.00", kind="service", cost="0")
    b = a_product(price="12.50", tax_rate="7.00", kind="service", cost="0")
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        order = an_order(customer, line(a, "3"), line(b, "1"), submit=True)
        return order.invoices.get()
