"""`make run`'s demo data: seeded through the real services, twice without a second copy, with
something on the collector's worklist."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Customer
from receivables.collections.models import Activity, CollectorAssignment, Promise, RiskScore
from receivables.collections.worklist import worklist
from tests.books import assert_books_in_step

pytestmark = pytest.mark.django_db


def test_the_demo_data_is_seeded_once_and_the_worklist_has_a_call_to_make():
    call_command("seed_demo", verbosity=0)
    counts = (Activity.objects.count(), Promise.objects.count(), CollectorAssignment.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        (Activity.objects.count(), Promise.objects.count(), CollectorAssignment.objects.count())
        == counts
        == (1, 1, 2)
    )
    rows = worklist(as_of=timezone.localdate())
    assert [row.customer_code for row in rows] == ["C0003"]
    assert rows[0].risk_score is not None and RiskScore.objects.count() == Customer.objects.count()
    assert Promise.objects.get().status == "open"
    assert_books_in_step()


def test_the_demo_has_a_usd_customer_paid_at_another_rate_with_the_gain_posted():
    """960.00 USD (2 × 480.00, tax exempt) at 1.08 = 888.89 EUR; paid at 1.05 = 914.29 EUR; the
    realised gain is 914.29 − 888.89 = 25.40."""
    from decimal import Decimal

    from invoicing.models import Invoice
    from ledger.selectors import account_balance

    call_command("seed_demo", verbosity=0)
    invoice = Invoice.objects.get(customer__code="C0008")
    assert (invoice.currency, invoice.total, invoice.exchange_rate) == (
        "USD",
        Decimal("960.00"),
        Decimal("1.08"),
    )
    assert (invoice.total_base, invoice.status) == (Decimal("888.89"), "paid")
    payment = invoice.allocations.get().payment
    assert (payment.exchange_rate, payment.amount_base) == (Decimal("1.05"), Decimal("914.29"))
    assert account_balance(key="fx_gains") == Decimal("-25.40")
    assert_books_in_step()
