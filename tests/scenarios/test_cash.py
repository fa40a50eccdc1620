"""Scenario: the cash comes in, as a user manual.

A customer orders a machine; it ships and is invoiced; the customer pays part, disputes a
scratch, finance settles the dispute with a credit note, the customer pays the rest: the invoice
is paid and the order closed. After every step the books are in step (tests/books.py).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.models import Invoice
from o2c import pipeline
from orders.models import SalesOrder
from receivables.cash.services import AllocationInput
from receivables.models import Dispute
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


def test_order_to_cash_with_a_dispute(make_user):
    finance = make_user("finance")
    machine = a_product(sku="ESP-200", price="1000.00", tax_rate="19.00", cost="600.00")
    stock(machine, "5")
    customer = a_customer(credit_limit="5000.00", payment_terms_days=30)
    today = timezone.localdate()

    order = an_order(customer, line(machine, "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    invoice = Invoice.objects.get(order=order)
    assert invoice.total == Decimal("1190.00")
    assert_books_in_step()

    # A partial payment naming the invoice.
    first = pipeline.payment_record(
        customer_id=customer.pk,
        amount="500.00",
        reference=f"Payment {invoice.number}",
        received_on=today,
        by=finance,
    )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert first.number.startswith("PAY-") and first.unapplied_amount == 0
    assert (invoice.status, invoice.balance) == ("partially_paid", Decimal("690.00"))
    assert order.payment_status == "partially_paid"
    assert_books_in_step()

    # The customer disputes 119.00 (a scratch); finance credits it.
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="119.00", reason="damaged", by=finance)
    assert dispute.status == "open"
    assert_books_in_step()
    pipeline.dispute_resolve(
        dispute_id=dispute.pk, outcome="credit_note", note="scratch on the side", by=finance
    )
    dispute.refresh_from_db()
    invoice.refresh_from_db()
    assert dispute.status == Dispute.Status.CREDITED and dispute.credit_note.total == Decimal("119.00")
    assert invoice.balance == Decimal("571.00") and invoice.amount_credited == Decimal("119.00")
    assert_books_in_step()

    # The final payment, with an unrelated reference: oldest due first; 29.00 too much stays unapplied.
    final = pipeline.payment_record(
        customer_id=customer.pk, amount="600.00", reference="transfer 8841", received_on=today, by=finance
    )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", Decimal("0.00"))
    assert final.unapplied_amount == Decimal("29.00")
    assert (order.status, order.payment_status, order.paid_on) == (SalesOrder.Status.CLOSED, "paid", today)
    assert_books_in_step()

    # The first payment bounces: the invoice reopens, and so does the order.
    pipeline.payment_reverse(payment_id=first.pk, reason="returned by the bank", by=finance)
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("partially_paid", Decimal("500.00"))
    assert (order.status, order.payment_status, order.paid_on) == (
        SalesOrder.Status.FULFILLED,
        "partially_paid",
        None,
    )
    assert_books_in_step()

    # The unapplied 29.00 goes to the invoice; the rest is written off by a manager.
    pipeline.payment_apply(
        payment_id=final.pk,
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=Decimal("29.00"))],
        by=finance,
    )
    pipeline.write_off(
        invoice_id=invoice.pk, amount="471.00", reason="settled commercially", by=make_user("manager")
    )
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("written_off", Decimal("0.00"))
    assert order.status == SalesOrder.Status.CLOSED
    assert_books_in_step()
    assert today + timedelta(days=30) == invoice.due_date
