"""Scenario: goods come back, as a user manual.

A customer orders four espresso machines (100.00, 19 % tax, cost 60.00) and two packs of beans
(50.00, 7 % tax, cost 20.00). Everything ships and is invoiced:

    net   4 × 100.00 + 2 × 50.00            = 500.00
    tax   400.00 × 19 % + 100.00 × 7 %      =  76.00 + 7.00 = 83.00
    total                                    = 583.00

The customer pays 300.00: 283.00 stays open. Then one machine comes back sound and one pack of
beans comes back damaged. Receiving them credits, at the invoice's prices and rates,

    machine 1/4 of 400.00 = 100.00 net + 19.00 tax = 119.00
    beans   1/2 of 100.00 =  50.00 net +  3.50 tax =  53.50
    credit note                                     = 172.50

so 283.00 − 172.50 = 110.50 stays open. The machine goes back on the shelf at the 60.00 it left
at (Dr inventory / Cr cost of goods sold); the beans are written off: no stock back, their 20.00
stays in cost of goods sold. Cost of goods sold: 4 × 60.00 + 2 × 20.00 − 60.00 = 220.00.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import StockLevel, StockMove
from invoicing.models import CreditNote, Invoice
from ledger.selectors import account_balance
from o2c import pipeline
from o2c.errors import Conflict
from returns.models import Return
from returns.services import ReturnLineInput
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db
D = Decimal


def _shipped_and_invoiced(customer, *lines):
    order = an_order(customer, *lines, submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return order, Invoice.objects.get(order=order)


def test_a_return_of_part_of_a_partly_paid_invoice(make_user):
    sales, warehouse, finance = make_user("sales"), make_user("warehouse"), make_user("finance")
    machine = a_product(sku="ESP-1", price="100.00", tax_rate="19.00", cost="60.00")
    beans = a_product(sku="BEAN-1", price="50.00", tax_rate="7.00", cost="20.00")
    stock(machine, "10")
    stock(beans, "10")
    customer = a_customer(credit_limit="5000.00")
    inventory_before, cogs_before = account_balance(key="inventory"), account_balance(key="cogs")

    order, invoice = _shipped_and_invoiced(customer, line(machine, "4"), line(beans, "2"))
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (D("500.00"), D("83.00"), D("583.00"))
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="300.00",
        reference=invoice.number,
        received_on=timezone.localdate(),
        by=finance,
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("partially_paid", D("283.00"))
    assert_books_in_step()

    # Sales announces the return: one machine to restock, one pack of beans damaged.
    machine_line, beans_line = order.lines.order_by("position")
    rma = pipeline.return_request(
        order_id=order.pk,
        lines=[
            ReturnLineInput(machine_line.pk, D("1"), restock=True),
            ReturnLineInput(beans_line.pk, D("1"), restock=False),
        ],
        reason="Customer ordered too many",
        by=sales,
    )
    assert rma.number.startswith("RMA-") and rma.status == Return.Status.REQUESTED
    # Nothing moves until the goods are received.
    invoice.refresh_from_db()
    assert invoice.balance == D("283.00")

    # The warehouse receives them.
    rma = pipeline.return_receive(return_id=rma.pk, by=warehouse)
    assert rma.status == Return.Status.RECEIVED
    note = CreditNote.objects.get(returns=rma)
    assert (note.net_total, note.tax_total, note.total) == (D("150.00"), D("22.50"), D("172.50"))
    assert sorted(note.lines.values_list("quantity", "net_amount", "tax_amount")) == [
        (D("1.000"), D("50.00"), D("3.50")),
        (D("1.000"), D("100.00"), D("19.00")),
    ]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_credited) == (
        "partially_paid",
        D("110.50"),
        D("172.50"),
    )

    # Stock: the machine is back (10 − 4 + 1), the damaged beans are not (10 − 2).
    levels = dict(StockLevel.objects.values_list("product_id", "on_hand"))
    assert (levels[machine.pk], levels[beans.pk]) == (D("7.000"), D("8.000"))
    assert StockMove.objects.get(kind="return").quantity == D("1.000")

    # Ledger: the machine's 60.00 back into inventory and out of cost of goods sold.
    assert account_balance(key="cogs") - cogs_before == D("220.00")
    assert account_balance(key="inventory") - inventory_before == D("-220.00")
    assert account_balance(key="revenue") == D("-350.00")
    assert account_balance(key="vat_payable") == D("-60.50")

    # The order knows what came back; nothing more than shipped less returned can come back.
    machine_line.refresh_from_db()
    assert machine_line.quantity_returned == D("1.000")
    with pytest.raises(Conflict) as refused:
        pipeline.return_request(
            order_id=order.pk, lines=[ReturnLineInput(machine_line.pk, D("4"))], reason="again", by=sales
        )
    assert refused.value.code == "return_exceeds_shipped"
    assert_books_in_step()


def test_a_return_worth_more_than_is_open_is_refused_as_credit_notes_are(make_user):
    """Credit notes never exceed what is open on their invoice (invoicing refuses it today), so
    receiving a return of a paid invoice is refused with that code and nothing moves."""
    machine = a_product(price="100.00", tax_rate="0.00", cost="60.00")
    stock(machine, "5")
    customer = a_customer(credit_limit="5000.00")
    order, invoice = _shipped_and_invoiced(customer, line(machine, "2"))
    pipeline.payment_record(
        customer_id=customer.pk,
        amount="150.00",
        reference=invoice.number,
        received_on=timezone.localdate(),
        by=None,
    )
    rma = pipeline.return_request(
        order_id=order.pk,
        lines=[ReturnLineInput(order.lines.get().pk, D("1"))],
        reason="not needed",
        by=None,
    )
    with pytest.raises(Conflict) as refused:
        pipeline.return_receive(return_id=rma.pk, by=None)
    assert refused.value.code == "credit_exceeds_balance"
    rma.refresh_from_db()
    assert rma.status == Return.Status.REQUESTED
    assert StockLevel.objects.get(product=machine).on_hand == D("3.000")
    assert_books_in_step()
