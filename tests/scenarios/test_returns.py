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
from receivables.cash.services import AllocationInput
from receivables.statements.selectors import statement_get
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


def test_a_return_worth_more_than_is_open_on_a_partly_paid_invoice_leaves_unapplied_cash(make_user):
    """Decision 0063, worked by hand. Three machines at 100.00 + 19 % (cost 60.00):

        invoice  net 300.00, tax 57.00, total 357.00; paid 300.00, open 57.00
        one machine comes back: credit note 100.00 + 19.00 = 119.00
        57.00 of it is set against what is open; the other 62.00 was paid and goes back to the
        payment as unapplied cash: the invoice is paid (paid 238.00, credited 119.00, balance 0.00)
        finance refunds the 62.00: Dr customer advances / Cr bank; the bank keeps 238.00

    Ledger: revenue 300.00 − 100.00 = 200.00, VAT 57.00 − 19.00 = 38.00, COGS 3 × 60 − 60 = 120.00."""
    machine = a_product(sku="ESP-3", price="100.00", tax_rate="19.00", cost="60.00")
    stock(machine, "10")
    customer = a_customer(credit_limit="5000.00")
    bank_before, cogs_before = account_balance(key="bank"), account_balance(key="cogs")
    order, invoice = _shipped_and_invoiced(customer, line(machine, "3"))
    assert invoice.total == D("357.00")
    payment = pipeline.payment_record(
        customer_id=customer.pk, amount="300.00", reference=invoice.number, received_on=timezone.localdate()
    )
    rma = pipeline.return_request(
        order_id=order.pk,
        lines=[ReturnLineInput(order.lines.get().pk, D("1"))],
        reason="one too many",
        by=None,
    )
    pipeline.return_receive(return_id=rma.pk, by=None)

    note = CreditNote.objects.get(returns=rma)
    assert (note.net_total, note.tax_total, note.total, note.amount_on_account) == (
        D("100.00"),
        D("19.00"),
        D("119.00"),
        D("62.00"),
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_paid, invoice.amount_credited) == (
        "paid",
        D("0.00"),
        D("238.00"),
        D("119.00"),
    )
    payment.refresh_from_db()
    assert (payment.amount_applied, payment.unapplied_amount) == (D("238.00"), D("62.00"))
    assert account_balance(key="customer_advances") == D("-62.00")  # a liability: the customer's credit
    assert account_balance(key="revenue") == D("-200.00")
    assert account_balance(key="vat_payable") == D("-38.00")
    assert account_balance(key="cogs") - cogs_before == D("120.00")
    assert StockLevel.objects.get(product=machine).on_hand == D("8.000")
    assert_books_in_step()
    statement = statement_get(
        customer=customer, period_from=invoice.issue_date, period_to=timezone.localdate()
    )
    assert statement.closing_balance == D("-62.00")  # the customer is owed 62.00

    pipeline.payment_refund(payment_id=payment.pk, amount="62.00", reason="credit note " + note.number)
    payment.refresh_from_db()
    assert (payment.unapplied_amount, payment.amount_refunded) == (D("0.00"), D("62.00"))
    assert account_balance(key="bank") - bank_before == D("238.00")
    assert account_balance(key="customer_advances") == D("0.00")
    assert_books_in_step()


def test_a_return_of_part_of_a_fully_paid_invoice_credits_the_newest_payment_first(make_user):
    """Decision 0063, worked by hand. Two packs of beans at 50.00 + 7 %: 100.00 + 7.00 = 107.00,
    paid by PAY-a 60.00 then PAY-b 47.00. One pack comes back: credit note 50.00 + 3.50 = 53.50,
    all of it beyond the open 0.00. It goes back newest first: PAY-b's 47.00 allocation is undone
    whole, PAY-a gives back 6.50 and keeps 53.50 on the invoice. A second invoice of 53.50 is then
    settled from the unapplied cash (47.00 + 6.50): nothing is owed and nothing is unapplied."""
    beans = a_product(sku="BEAN-3", price="50.00", tax_rate="7.00", cost="20.00")
    stock(beans, "10")
    customer = a_customer(credit_limit="5000.00")
    order, invoice = _shipped_and_invoiced(customer, line(beans, "2"))
    assert invoice.total == D("107.00")
    today = timezone.localdate()
    first = pipeline.payment_record(
        customer_id=customer.pk, amount="60.00", reference=invoice.number, received_on=today
    )
    second = pipeline.payment_record(
        customer_id=customer.pk, amount="47.00", reference=invoice.number, received_on=today
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("paid", D("0.00"))
    rma = pipeline.return_request(
        order_id=order.pk,
        lines=[ReturnLineInput(order.lines.get().pk, D("1"))],
        reason="damaged box",
        by=None,
    )
    pipeline.return_receive(return_id=rma.pk, by=None)
    note = CreditNote.objects.get(returns=rma)
    assert (note.total, note.amount_on_account) == (D("53.50"), D("53.50"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_paid) == ("paid", D("0.00"), D("53.50"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.amount_applied, first.unapplied_amount) == (D("53.50"), D("6.50"))
    assert (second.amount_applied, second.unapplied_amount) == (D("0.00"), D("47.00"))
    assert sorted(
        invoice.allocations.filter(reversed_on__isnull=True).values_list("payment_id", "amount")
    ) == [(first.pk, D("53.50"))]
    assert_books_in_step()

    _, other = _shipped_and_invoiced(customer, line(beans, "1"))
    assert other.total == D("53.50")
    for payment, amount in ((second, "47.00"), (first, "6.50")):
        pipeline.payment_apply(
            payment_id=payment.pk, allocations=[AllocationInput(invoice_id=other.pk, amount=D(amount))]
        )
    other.refresh_from_db()
    assert (other.status, other.balance) == ("paid", D("0.00"))
    assert account_balance(key="customer_advances") == D("0.00")
    assert account_balance(key="receivables") == D("0.00")
    assert_books_in_step()


def test_a_return_of_everything_paid_leaves_the_invoice_credited():
    """Two machines at 100.00, 0 % tax, paid 200.00, both returned: a credit of 200.00, all beyond
    the open 0.00, all back to the payment; nothing is paid on the invoice any more: credited."""
    machine = a_product(price="100.00", tax_rate="0.00", cost="60.00")
    stock(machine, "5")
    customer = a_customer(credit_limit="5000.00")
    order, invoice = _shipped_and_invoiced(customer, line(machine, "2"))
    payment = pipeline.payment_record(
        customer_id=customer.pk, amount="200.00", reference=invoice.number, received_on=timezone.localdate()
    )
    rma = pipeline.return_request(
        order_id=order.pk, lines=[ReturnLineInput(order.lines.get().pk, D("2"))], reason="all back", by=None
    )
    pipeline.return_receive(return_id=rma.pk, by=None)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_credited, invoice.balance) == (
        "credited",
        D("0.00"),
        D("200.00"),
        D("0.00"),
    )
    payment.refresh_from_db()
    assert payment.unapplied_amount == D("200.00")
    assert StockLevel.objects.get(product=machine).on_hand == D("5.000")
    assert_books_in_step()


def test_a_written_off_part_is_never_given_back():
    """Two machines at 100.00, 0 % tax: 100.00 paid, 100.00 written off. A credit note can take
    off at most what is open (0.00) plus what was paid (100.00): the return of both (200.00) is
    refused and nothing moves."""
    machine = a_product(price="100.00", tax_rate="0.00", cost="60.00")
    stock(machine, "5")
    customer = a_customer(credit_limit="5000.00")
    order, invoice = _shipped_and_invoiced(customer, line(machine, "2"))
    pipeline.payment_record(
        customer_id=customer.pk, amount="100.00", reference=invoice.number, received_on=timezone.localdate()
    )
    pipeline.write_off(invoice_id=invoice.pk, amount="100.00", reason="bad debt", by=None)
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.amount_paid, invoice.creditable) == (D("0.00"), D("100.00"), D("100.00"))
    rma = pipeline.return_request(
        order_id=order.pk, lines=[ReturnLineInput(order.lines.get().pk, D("2"))], reason="all back", by=None
    )
    with pytest.raises(Conflict) as refused:
        pipeline.return_receive(return_id=rma.pk, by=None)
    assert refused.value.code == "credit_exceeds_balance"
    assert "plus the 100.00 paid on it" in refused.value.message
    rma.refresh_from_db()
    assert rma.status == Return.Status.REQUESTED
    assert StockLevel.objects.get(product=machine).on_hand == D("3.000")
    assert_books_in_step()
