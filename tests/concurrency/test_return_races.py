"""Returns racing on PostgreSQL with real threads: two clerks receiving the same return, two
returns of the same shipped goods announced at once, and a receipt racing a payment of the
customer. Each pair ends with one done and the other refused (409), never a deadlock, and never
more back than shipped."""

from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import StockLevel
from invoicing.models import CreditNote, Invoice
from o2c import pipeline
from o2c.errors import Conflict
from returns.models import Return
from returns.services import ReturnLineInput
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
REPETITIONS = 3


def _shipped_order(gadget):
    order = an_order(a_customer(credit_limit="1000.00"), line(gadget, "2"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return order


def _failures(results) -> list:
    return [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]


def test_two_returns_of_the_same_goods_then_two_clerks_receiving_one():
    """Two returns of all the goods announced at once: one is refused. Two clerks receive the
    one left at once: it is received once, credited once, restocked once."""
    gadget = a_product(price="10.00", tax_rate="0.00", cost="4.00")
    stock(gadget, str(2 * REPETITIONS))
    for _ in range(REPETITIONS):
        order = _shipped_order(gadget)
        order_line_id = order.lines.get().pk

        def request(index, order=order, order_line_id=order_line_id):
            return pipeline.return_request(
                order_id=order.pk, lines=[ReturnLineInput(order_line_id, D("2"))], reason="r", by=None
            )

        results = run_concurrently(request, 2)
        assert not _failures(results), results
        (rma,) = Return.objects.filter(order=order)
        results = run_concurrently(
            lambda index, rma=rma: pipeline.return_receive(return_id=rma.pk, by=None), 2
        )
        assert not _failures(results), results
        assert sum(isinstance(result, Return) for result in results) == 1
        assert CreditNote.objects.filter(returns=rma).count() == 1
        assert order.lines.get().quantity_returned == D("2.000")
    assert StockLevel.objects.get(product=gadget).on_hand == D(str(2 * REPETITIONS))
    assert_books_in_step()


def test_a_receipt_racing_a_payment_of_the_customer():
    gadget = a_product(price="10.00", tax_rate="0.00", cost="4.00")
    stock(gadget, str(2 * REPETITIONS))
    for _ in range(REPETITIONS):
        order = _shipped_order(gadget)
        invoice = Invoice.objects.get(order=order)
        rma = pipeline.return_request(
            order_id=order.pk, lines=[ReturnLineInput(order.lines.get().pk, D("1"))], reason="r", by=None
        )

        def act(index, rma=rma, order=order, invoice=invoice):
            if index == 0:
                return pipeline.return_receive(return_id=rma.pk, by=None)
            return pipeline.payment_record(
                customer_id=order.customer_id,
                amount="10.00",
                reference=invoice.number,
                received_on=timezone.localdate(),
                by=None,
            )

        results = run_concurrently(act, 2)
        assert not _failures(results), results
        invoice.refresh_from_db()
        assert invoice.balance == D("0.00")
    assert_books_in_step()


def test_a_credit_beyond_the_balance_racing_the_reversal_of_the_payment_it_gives_back_to():
    """Decision 0063: a paid invoice's return gives 10.00 back to the payment as unapplied cash
    while the same payment bounces. Either order ends the same: the payment reversed with
    nothing applied or unapplied, the credit note issued, the invoice owing 10.00, no deadlock."""
    gadget = a_product(price="10.00", tax_rate="0.00", cost="4.00")
    stock(gadget, str(2 * REPETITIONS))
    for _ in range(REPETITIONS):
        order = _shipped_order(gadget)
        invoice = Invoice.objects.get(order=order)
        payment = pipeline.payment_record(
            customer_id=order.customer_id,
            amount="20.00",
            reference=invoice.number,
            received_on=timezone.localdate(),
            by=None,
        )
        rma = pipeline.return_request(
            order_id=order.pk, lines=[ReturnLineInput(order.lines.get().pk, D("1"))], reason="r", by=None
        )

        def act(index, rma=rma, payment=payment):
            if index == 0:
                return pipeline.return_receive(return_id=rma.pk, by=None)
            return pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")

        results = run_concurrently(act, 2)
        assert not [r for r in results if isinstance(r, Exception)], results
        invoice.refresh_from_db()
        payment.refresh_from_db()
        assert (invoice.balance, invoice.amount_paid, invoice.amount_credited) == (
            D("10.00"),
            D("0.00"),
            D("10.00"),
        )
        assert (payment.status, payment.amount_applied, payment.unapplied_amount) == (
            "reversed",
            D("0"),
            D("0"),
        )
    assert_books_in_step()
