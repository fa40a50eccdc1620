"""Returns: requesting, receiving and cancelling, through the pipeline as production does."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inventory.models import StockLevel, StockMove
from inventory.services import product_update
from invoicing.models import CreditNote, Invoice
from ledger.models import JournalEntry
from ledger.selectors import account_balance
from o2c import pipeline
from o2c.errors import Conflict, DomainError
from o2c.models import OutboxMessage
from orders.models import SalesOrderLine
from returns.delivery import return_received_email
from returns.models import Return
from returns.services import ReturnLineInput
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock
from webhooks.payloads import payload_data

pytestmark = pytest.mark.django_db
D = Decimal


def _shipped(customer, *lines):
    order = an_order(customer, *lines, submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return order


@pytest.fixture
def shipped():
    """Three gadgets (20.00, 19 %, cost 8.00) shipped and invoiced: 71.40."""
    gadget = a_product(price="20.00", tax_rate="19.00", cost="8.00")
    stock(gadget, "3")
    order = _shipped(a_customer(credit_limit="1000.00"), line(gadget, "3"))
    return order, order.lines.get(), gadget


def _request(order, order_line, quantity="1", restock=True):
    return pipeline.return_request(
        order_id=order.pk,
        lines=[ReturnLineInput(order_line.pk, D(quantity), restock)],
        reason="wrong colour",
        by=None,
    )


def test_restocked_goods_go_back_at_the_cost_they_left_at(shipped):
    order, order_line, gadget = shipped
    product_update(product_id=gadget.pk, standard_cost=D("9.50"))  # the cost moved since shipping
    rma = _request(order, order_line, "2")
    pipeline.return_receive(return_id=rma.pk, by=None)
    entry = JournalEntry.objects.get(source="return", source_reference=rma.number)
    assert {(line.account.key, line.debit, line.credit) for line in entry.lines.all()} == {
        ("inventory", D("16.00"), D("0.00")),
        ("cogs", D("0.00"), D("16.00")),
    }
    assert rma.lines.get().unit_cost == D("8.0000")
    assert StockLevel.objects.get(product=gadget).on_hand == D("2.000")
    assert account_balance(key="cogs") == D("8.00")  # one gadget's cost stays sold
    assert_books_in_step()


def test_damaged_goods_are_credited_but_not_restocked(shipped):
    order, order_line, gadget = shipped
    rma = _request(order, order_line, "1", restock=False)
    pipeline.return_receive(return_id=rma.pk, by=None)
    assert StockLevel.objects.get(product=gadget).on_hand == D("0.000")
    assert not StockMove.objects.filter(kind="return").exists()
    assert not JournalEntry.objects.filter(source="return").exists()
    assert account_balance(key="cogs") == D("24.00")  # written off: its cost stays in COGS
    note = CreditNote.objects.get(returns=rma)
    assert (note.net_total, note.tax_total, note.total) == (D("20.00"), D("3.80"), D("23.80"))
    assert Invoice.objects.get(order=order).balance == D("47.60")
    assert_books_in_step()


def test_the_warehouse_records_what_actually_came_back(shipped):
    order, order_line, _ = shipped
    rma = _request(order, order_line, "3")
    rma = pipeline.return_receive(
        return_id=rma.pk, lines=[ReturnLineInput(order_line.pk, D("2"), restock=False)], by=None
    )
    rma_line = rma.lines.get()
    assert (rma_line.quantity_received, rma_line.restock) == (D("2.000"), False)
    order_line.refresh_from_db()
    assert order_line.quantity_returned == D("2.000")
    assert CreditNote.objects.get(returns=rma).total == D("47.60")
    # What did not come back may be returned later.
    assert _request(order, order_line, "1").status == Return.Status.REQUESTED


def test_receiving_tells_the_event_and_emails_the_customer(shipped, monkeypatch):
    order, order_line, _ = shipped
    heard = []
    monkeypatch.setattr("returns.services.event_emit", lambda kind, subject: heard.append((kind, subject.pk)))
    rma = _request(order, order_line)
    pipeline.return_receive(return_id=rma.pk, by=None)
    assert heard == [("return.received", rma.pk)]
    message = OutboxMessage.objects.get(kind="return_received_email", payload__return_id=rma.pk)
    assert [event.event for event in rma.events.all()] == ["requested", "received"]
    # The webhook shows the return as the API does; the e-mail carries the RMA slip.
    assert payload_data(rma)["number"] == rma.number
    email = return_received_email(message).email
    assert email.to == [order.customer.email] and rma.number in email.subject
    ((filename, pdf, _),) = email.attachments
    assert filename == f"{rma.number}.pdf" and pdf[:4] == b"%PDF"


def test_returned_stock_serves_backorders_like_a_receipt(shipped):
    order, order_line, gadget = shipped
    waiting = an_order(a_customer(credit_limit="1000.00"), line(gadget, "1"), submit=True)
    waiting_line = waiting.lines.get()
    assert waiting_line.quantity_backordered == D("1.000")
    pipeline.return_receive(return_id=_request(order, order_line).pk, by=None)
    waiting_line.refresh_from_db()
    assert (waiting_line.quantity_reserved, waiting_line.quantity_backordered) == (D("1.000"), D("0.000"))
    level = StockLevel.objects.get(product=gadget)
    assert (level.on_hand, level.reserved) == (D("1.000"), D("1.000"))


def test_never_more_than_shipped_less_returned_or_announced(shipped):
    order, order_line, _ = shipped
    _request(order, order_line, "2")
    with pytest.raises(Conflict) as refused:
        _request(order, order_line, "2")
    assert refused.value.code == "return_exceeds_shipped"
    cancelled = Return.objects.get()
    pipeline.return_cancel(return_id=cancelled.pk, reason="customer keeps them", by=None)
    assert _request(order, order_line, "3").status == Return.Status.REQUESTED


def test_refusals_name_their_code(shipped):
    order, order_line, _ = shipped
    unshipped = an_order(order.customer, line(a_product(), "1"))
    cases = [
        (lambda: _request(unshipped, unshipped.lines.get()), "not_a_shipped_line"),
        (lambda: _request(order, order_line, "0"), "not_positive"),
        (
            lambda: pipeline.return_request(
                order_id=order.pk, lines=[ReturnLineInput(order_line.pk, D("1"))], reason=" ", by=None
            ),
            "required",
        ),
    ]
    for call, code in cases:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == code
    rma = _request(order, order_line, "1")
    for received, code in [
        ([ReturnLineInput(order_line.pk, D("2"))], "receipt_exceeds_return"),
        ([ReturnLineInput(order_line.pk, D("0"))], "nothing_received"),
    ]:
        with pytest.raises(DomainError) as refused:
            pipeline.return_receive(return_id=rma.pk, lines=received, by=None)
        assert refused.value.code == code
    pipeline.return_receive(return_id=rma.pk, by=None)
    with pytest.raises(Conflict) as refused:
        pipeline.return_receive(return_id=rma.pk, by=None)
    assert refused.value.code == "invalid_transition"
    assert CreditNote.objects.filter(returns=rma).count() == 1


def test_the_database_refuses_more_back_than_shipped(shipped):
    _, order_line, _ = shipped
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.filter(pk=order_line.pk).update(quantity_returned=D("4"))


def test_a_line_billed_by_two_invoices_is_credited_on_each(make_user):
    """Two shipments of one line, two invoices: five back credit three on the first, two on the second."""
    gadget = a_product(price="10.00", tax_rate="0.00", cost="4.00")
    stock(gadget, "3")
    customer = a_customer(credit_limit="1000.00")
    order = an_order(customer, line(gadget, "5"), submit=True)
    for _ in range(2):
        shipment = pipeline.shipment_create(order_id=order.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
        stock(gadget, "2")
    rma = _request(order, order.lines.get(), "5")
    rma = pipeline.return_receive(return_id=rma.pk, by=None)
    totals = sorted(note.total for note in rma.credit_notes.all())
    assert totals == [D("20.00"), D("30.00")]
    assert all(invoice.balance == 0 for invoice in Invoice.objects.filter(order=order))
    assert_books_in_step()
