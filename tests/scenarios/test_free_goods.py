"""Scenario: free goods and free services ship and invoice.

A trade-fair customer gets a demo machine at price 0 and a free installation (100 % discount),
and on another order one free sample beside paid goods. Each shipment is invoiced: a numbered
invoice with its lines, total 0.00 when everything is free. A zero invoice posts no journal
entry (there is no amount to post; the invoice number is the trail) and enters the open-item
ledger as settled: the order ends invoiced, paid and closed. Decision record 0025.
"""

from decimal import Decimal

import pytest

from invoicing.models import Invoice
from ledger.models import JournalEntry
from ledger.selectors import account_balance
from o2c import pipeline
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    machine = a_product(sku="DEMO-1", price="1290.00", tax_rate="19.00", cost="780.00")
    install = a_product(sku="SVC-INST", price="95.00", tax_rate="19.00", kind="service", cost="0")
    sample = a_product(sku="SAMPLE", price="12.00", tax_rate="7.00", cost="0.00")
    stock(machine, "5")
    stock(sample, "50")
    return {
        "machine": machine,
        "install": install,
        "sample": sample,
        "customer": a_customer(credit_limit="10000.00"),
    }


def _ship(order):
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    return shipment


def test_a_fully_free_order_ships_invoices_at_zero_and_closes(world):
    order = an_order(
        world["customer"],
        line(world["machine"], "1", price="0"),
        line(world["install"], "1", discount="100"),
        submit=True,
    )
    assert order.status == "open" and order.total == Decimal("0.00")
    entries_before = JournalEntry.objects.count()

    shipment = _ship(order)

    invoice = Invoice.objects.get(shipment=shipment)
    assert invoice.number.startswith("INV-") and invoice.lines.count() == 2
    assert (invoice.total, invoice.balance, invoice.status) == (Decimal("0.00"), Decimal("0.00"), "paid")
    # The cost of the machine given away is posted; the zero invoice is not.
    assert not JournalEntry.objects.filter(source="invoice").exists()
    assert JournalEntry.objects.count() == entries_before + 1
    assert account_balance(key="cogs") == Decimal("780.00")
    order.refresh_from_db()
    assert (order.status, order.billing_status, order.payment_status) == ("closed", "invoiced", "paid")
    assert order.paid_on == invoice.issue_date
    assert_books_in_step()


def test_a_free_service_only_order_is_invoiced_on_approval(world):
    order = an_order(world["customer"], line(world["install"], "2", price="0.00"), submit=True)
    order.refresh_from_db()
    invoice = order.invoices.get()
    assert invoice.total == Decimal("0.00") and invoice.lines.get().total_amount == Decimal("0.00")
    assert (order.status, order.payment_status) == ("closed", "paid")
    assert_books_in_step()


def test_a_mixed_order_with_one_free_line(world):
    order = an_order(
        world["customer"],
        line(world["machine"], "1"),
        line(world["sample"], "3", discount="100"),
        submit=True,
    )
    shipment = _ship(order)
    invoice = Invoice.objects.get(shipment=shipment)
    free = invoice.lines.get(product=world["sample"])
    assert (free.net_amount, free.tax_amount, free.total_amount) == (Decimal("0.00"),) * 3
    assert invoice.total == Decimal("1535.10") and invoice.status == "open"
    assert account_balance(key="revenue") == Decimal("-1290.00")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("fulfilled", "unpaid")

    pipeline.payment_record(
        customer_id=world["customer"].pk, amount=Decimal("1535.10"), received_on=invoice.issue_date
    )
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("closed", "paid")
    assert_books_in_step()


def test_a_free_line_cannot_be_credited_and_is_refused_cleanly(world):
    from invoicing.services import CreditLineInput
    from o2c.errors import DomainError

    order = an_order(
        world["customer"], line(world["machine"], "1"), line(world["sample"], "1", price="0"), submit=True
    )
    invoice = Invoice.objects.get(shipment=_ship(order))
    free = invoice.lines.get(product=world["sample"])
    with pytest.raises(DomainError) as refused:
        pipeline.credit_note_issue(
            invoice_id=invoice.pk, reason="sample", lines=[CreditLineInput(free.pk, Decimal("1"))], by=None
        )
    assert refused.value.field == "lines"


def test_free_goods_through_the_api(api_client_for, world):
    sales, warehouse = api_client_for("sales"), api_client_for("warehouse")
    created = sales.post(
        "/api/v1/orders/",
        {
            "customer": world["customer"].pk,
            "lines": [
                {"product": world["machine"].pk, "quantity": "1", "unit_price": "0"},
                {"product": world["install"].pk, "quantity": "1", "discount_percent": "100"},
            ],
            "submit": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    order_id = created.json()["id"]
    shipment = warehouse.post("/api/v1/shipments/", {"order": order_id}, format="json").json()
    warehouse.post(f"/api/v1/shipments/{shipment['id']}/pack/", format="json")
    shipped = warehouse.post(f"/api/v1/shipments/{shipment['id']}/ship/", {"carrier": "DHL"}, format="json")
    assert shipped.status_code == 200, shipped.content
    invoice = api_client_for("finance").get(f"/api/v1/invoices/{shipped.json()['invoice']}/").json()
    assert (invoice["total"], invoice["balance"], invoice["status"]) == ("0.00", "0.00", "paid")
    assert len(invoice["lines"]) == 2
    order = sales.get(f"/api/v1/orders/{order_id}/").json()
    assert (order["status"], order["billing_status"], order["payment_status"]) == (
        "closed",
        "invoiced",
        "paid",
    )
