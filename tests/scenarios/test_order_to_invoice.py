"""Scenario: from the order to the invoice in the ledger, as a user manual.

A customer orders two espresso machines and an installation; the warehouse ships them in two
parcels; each parcel is invoiced; the ledger follows every step and the trial balance balances.
"""

from decimal import Decimal

import pytest

from fulfillment.models import Shipment
from invoicing.models import Invoice
from ledger.selectors import account_balance, trial_balance
from o2c import pipeline
from o2c.errors import Conflict, DomainError
from tests.builders import a_customer, a_product, an_order, line, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    machine = a_product(sku="ESP-100", price="1290.00", tax_rate="19.00", cost="780.00")
    install = a_product(sku="SVC-INST", price="95.00", tax_rate="19.00", kind="service", cost="0")
    stock(machine, "10")
    return {
        "machine": machine,
        "install": install,
        "customer": a_customer(credit_limit="10000.00", payment_terms_days=30),
        "clerk": make_user("warehouse"),
    }


def test_order_ship_invoice_and_ledger(world):
    # Sales enters the order and submits it: approved, two machines reserved.
    order = an_order(world["customer"], line(world["machine"], "2"), line(world["install"], "3"), submit=True)
    assert (order.status, order.fulfillment_status) == ("open", "allocated")
    assert order.total == Decimal("3409.35")  # (2580.00 + 285.00) net + 544.35 VAT

    # The warehouse picks everything allocated, packs and ships it.
    shipment = pipeline.shipment_create(order_id=order.pk, by=world["clerk"])
    pipeline.shipment_pack(shipment_id=shipment.pk, by=world["clerk"])
    pipeline.shipment_ship(
        shipment_id=shipment.pk, carrier="DHL", tracking_number="JD0001", by=world["clerk"]
    )

    shipment.refresh_from_db()
    order.refresh_from_db()
    invoice = Invoice.objects.get(shipment=shipment)
    assert shipment.status == "shipped" and shipment.carrier == "DHL"
    assert (order.status, order.fulfillment_status, order.billing_status) == (
        "fulfilled",
        "shipped",
        "invoiced",
    )
    # The installation rides on the first (and only) shipment's invoice.
    assert invoice.total == order.total and invoice.lines.count() == 2
    assert invoice.number.startswith("INV-") and (invoice.due_date - invoice.issue_date).days == 30

    # The ledger: receivables = the invoice; stock out at standard cost; balanced.
    assert account_balance(key="receivables") == invoice.total
    assert account_balance(key="revenue") == -Decimal("2865.00")
    assert account_balance(key="vat_payable") == -Decimal("544.35")
    assert account_balance(key="cogs") == Decimal("1560.00")
    assert account_balance(key="inventory") == Decimal("6240.00")  # 10 received − 2 shipped, at 780
    assert trial_balance().balanced


def test_two_partial_shipments_invoice_the_order_to_the_cent(world):
    cups = a_product(price="0.33", tax_rate="19.00", cost="0.10")
    stock(cups, "100")
    order = an_order(world["customer"], line(cups, "3"), line(world["machine"], "1"), submit=True)
    cup_line = order.lines.get(position=1)

    first = pipeline.shipment_create(order_id=order.pk, lines={cup_line.pk: Decimal("1")}, by=None)
    pipeline.shipment_pack(shipment_id=first.pk, by=None)
    pipeline.shipment_ship(shipment_id=first.pk, carrier="UPS", by=None)
    second = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=second.pk, by=None)
    pipeline.shipment_ship(shipment_id=second.pk, carrier="UPS", by=None)

    invoices = list(Invoice.objects.filter(order=order).order_by("number"))
    assert len(invoices) == 2
    assert sum(invoice.total for invoice in invoices) == order.total
    assert sum(invoice.net_total for invoice in invoices) == order.net_total
    order.refresh_from_db()
    assert order.status == "fulfilled"
    assert account_balance(key="receivables") == order.total


def test_shipping_more_than_allocated_or_a_cancelled_order_is_refused(world):
    order = an_order(world["customer"], line(world["machine"], "2"), submit=True)
    machine_line = order.lines.get()
    with pytest.raises(DomainError, match=r"only 2\.000 allocated"):
        pipeline.shipment_create(order_id=order.pk, lines={machine_line.pk: Decimal("3")}, by=None)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    with pytest.raises(Conflict):
        pipeline.shipment_create(order_id=order.pk, by=None)  # all of it is already on a pick list

    pipeline.order_cancel(order_id=order.pk, reason="customer withdrew", by=None)

    shipment.refresh_from_db()
    assert shipment.status == "cancelled"
    with pytest.raises(Conflict):
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    with pytest.raises(Conflict):
        pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    with pytest.raises(Conflict):
        pipeline.shipment_create(order_id=order.pk, by=None)
    assert Invoice.objects.count() == 0 and Shipment.objects.filter(status="shipped").count() == 0


def test_a_service_only_order_is_invoiced_on_approval(world):
    order = an_order(world["customer"], line(world["install"], "4"), submit=True)
    order.refresh_from_db()
    invoice = Invoice.objects.get(order=order)
    assert invoice.shipment is None and invoice.total == Decimal("452.20")
    assert (order.status, order.billing_status) == ("fulfilled", "invoiced")


def test_credit_notes_full_by_line_by_amount_and_never_beyond_the_invoice(world):
    order = an_order(world["customer"], line(world["machine"], "2"), line(world["install"], "2"), submit=True)
    shipment = pipeline.shipment_create(order_id=order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    invoice = Invoice.objects.get(order=order)
    machine_line = invoice.lines.get(product=world["machine"])

    from invoicing.services import CreditLineInput

    by_line = pipeline.credit_note_issue(
        invoice_id=invoice.pk,
        reason="one machine returned",
        lines=[CreditLineInput(machine_line.pk, Decimal("1"))],
        by=None,
    )
    assert by_line.total == Decimal("1535.10") and by_line.number.startswith("CN-")
    by_amount = pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="goodwill", amount=Decimal("100.00"), by=None
    )
    assert by_amount.total == Decimal("100.00")
    with pytest.raises(Conflict, match="exceeds"):
        pipeline.credit_note_issue(
            invoice_id=invoice.pk, reason="too much", amount=Decimal("5000.00"), by=None
        )
    with pytest.raises(Conflict, match="not yet credited"):
        pipeline.credit_note_issue(
            invoice_id=invoice.pk,
            reason="again",
            lines=[CreditLineInput(machine_line.pk, Decimal("2"))],
            by=None,
        )
    full = pipeline.credit_note_issue(invoice_id=invoice.pk, reason="cancel the rest", by=None)

    invoice.refresh_from_db()
    assert by_line.total + by_amount.total + full.total == invoice.total
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), "credited")
    assert account_balance(key="receivables") == Decimal("0.00")
    assert account_balance(key="revenue") == Decimal("0.00") and account_balance(
        key="vat_payable"
    ) == Decimal("0.00")
    assert trial_balance().balanced


def test_the_hourly_task_flags_late_shipments_and_orders(world):
    import datetime as dt

    from django.utils import timezone

    from fulfillment.tasks import late_flags_refresh

    today = timezone.localdate()
    shipped_order = an_order(world["customer"], line(world["machine"], "1"), submit=True)
    shipment = pipeline.shipment_create(order_id=shipped_order.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    pipeline.shipment_ship(
        shipment_id=shipment.pk, carrier="DHL", estimated_delivery=today + dt.timedelta(days=2), by=None
    )
    waiting = pipeline.order_place(
        by=None,
        submit=True,
        customer_id=world["customer"].pk,
        lines=[line(world["machine"], "1")],
        requested_delivery_date=today + dt.timedelta(days=1),
    )

    assert late_flags_refresh() == (0, 0)
    import time_machine

    with time_machine.travel(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(12), tzinfo=dt.UTC)):
        assert late_flags_refresh() == (1, 1)
        assert late_flags_refresh() == (0, 0)  # already flagged: safe to run again
    shipment.refresh_from_db()
    waiting.refresh_from_db()
    assert shipment.late and waiting.late
