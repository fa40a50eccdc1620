"""Cash races on PostgreSQL with real threads, each on its own connection."""

import json
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from o2c import pipeline
from o2c.errors import Conflict
from o2c.signing import signature_header
from receivables.cash.services import AllocationInput
from receivables.models import Allocation, Payment, PaymentNotification
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def test_ten_concurrent_payments_never_over_apply_an_invoice():
    """10 clerks apply 30.00 each to one invoice of 100.00 at the same moment (5 repetitions):
    exactly three succeed; the others are refused; the invoice is never over-applied."""
    for repetition in range(5):
        customer = a_customer()
        invoice = an_invoice(customer, "100.00")

        def apply(index: int, customer=customer, invoice=invoice):
            return pipeline.payment_record(
                customer_id=customer.pk,
                amount="30.00",
                reference=f"clerk {index}",
                received_on=timezone.localdate(),
                allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("30.00"))],
            )

        results = run_concurrently(apply, 10)
        recorded = [r for r in results if isinstance(r, Payment)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert (len(recorded), len(refused)) == (3, 7), (repetition, results)
        invoice.refresh_from_db()
        assert invoice.balance == D("10.00") and invoice.amount_paid == D("90.00")
        assert Allocation.objects.filter(invoice=invoice).aggregate(t=Sum("amount"))["t"] == D("90.00")
    assert_books_in_step()


def test_ten_concurrent_automatic_payments_leave_the_rest_unapplied():
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")

    def pay(index: int):
        return pipeline.payment_record(
            customer_id=customer.pk, amount="30.00", reference=f"r{index}", received_on=timezone.localdate()
        )

    results = run_concurrently(pay, 10)
    assert all(isinstance(r, Payment) for r in results), results
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("0.00"), "paid")
    assert Payment.objects.aggregate(t=Sum("unapplied_amount"))["t"] == D("200.00")
    assert_books_in_step()


def test_the_same_notification_posted_concurrently_records_one_payment():
    customer = a_customer()
    an_invoice(customer, "100.00")
    raw = json.dumps(
        {
            "id": "evt_race",
            "customer": customer.pk,
            "amount": "100.00",
            "currency": customer.currency,
            "reference": "x",
            "received_on": timezone.localdate().isoformat(),
        }
    ).encode()

    def post(index: int):
        response = Client().post(
            "/api/v1/payment-notifications/",
            raw,
            content_type="application/json",
            HTTP_X_O2C_SIGNATURE=signature_header(secret="test-notification-secret", body=raw),
        )
        return response.status_code

    statuses = run_concurrently(post, 6)
    assert sorted(statuses) == [200] * 5 + [201], statuses
    assert Payment.objects.count() == 1 and PaymentNotification.objects.count() == 1
    assert_books_in_step()


def test_a_reversal_racing_an_application_keeps_the_books():
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    payment = pipeline.payment_record(
        customer_id=customer.pk,
        amount="100.00",
        reference="r",
        received_on=timezone.localdate(),
        allocations=[],
    )

    def act(index: int):
        if index == 0:
            return pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")
        return pipeline.payment_apply(
            payment_id=payment.pk, allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("100.00"))]
        )

    results = run_concurrently(act, 2)
    assert not any(isinstance(r, Exception) and not isinstance(r, Conflict) for r in results), results
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "reversed" and invoice.balance == D("100.00")
    assert_books_in_step()
