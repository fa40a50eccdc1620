"""A small, realistic book for the page fuzzer, built once through the pipeline and the services
as production builds it: customers, stock, orders in each state, shipments, invoices, a credit
note, payments, a dispute, a write-off, a dunning run with its notice, a bank statement, a CSV
waiting for its column mapping, a portal link, a price list and a sent quotation. `ids` names one object for each path
converter of the URL patterns (`order_id`, `invoice_id`, …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from customers.services import customer_update
from imports.services import import_batch_create
from notifications import services as notification_services
from notifications.models import NotificationTemplate
from o2c import pipeline
from o2c.roles import FINANCE, MANAGER, SALES, WAREHOUSE
from pricing.services import ItemInput, price_list_create
from quotations import services as quotation_services
from receivables.bank import services as bank_services
from receivables.bank.files import CsvMapping
from receivables.directdebit.services import mandate_create
from receivables.dunning import services as dunning_services
from receivables.portal.services import portal_link_create
from returns.services import ReturnLineInput
from tests.builders import a_customer, a_product, a_warehouse, an_order, line, stock
from webhooks import services as webhook_services

ZONE = timezone.get_default_timezone()
D = Decimal


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    more_ids: dict[str, list] = field(default_factory=dict)  # other real ids, for fuzzed values
    values: list[str] = field(default_factory=list)  # real SKUs, codes, numbers, for fuzzed values


def _user(role: str):
    user = get_user_model().objects.create_user(username=f"fuzz-{role}", password="pw-not-used")
    user.groups.add(Group.objects.get(name=role))
    return user


def world_build() -> World:
    world = World(users={role: _user(role) for role in (SALES, WAREHOUSE, FINANCE, MANAGER)})
    manager, finance = world.users[MANAGER], world.users[FINANCE]
    today = timezone.localdate()
    start = datetime.combine(today - timedelta(days=75), time(9, 0), tzinfo=ZONE)
    with time_machine.travel(start, tick=False) as clock:
        warehouse = a_warehouse()
        buyer = a_customer(code="FUZZ-1", name='Fuzz & Söhne "GmbH"', payment_terms_days=14)
        other = a_customer(code="O'BRIEN", name="O'Brien; =cmd|' /C calc'!A0", credit_limit="100000.00")
        widget = a_product(sku="WID-1", price="25.00", cost="10.00")
        gadget = a_product(sku="GAD-2", price="9.99", tax_rate="7.00", cost="3.00")
        service = a_product(sku="SRV-1", price="120.00", kind="service", cost="0")
        stock(widget, "500")
        stock(gadget, "200")

        shipped = an_order(buyer, line(widget, "4"), line(service, "1"), submit=True, by=manager)
        if shipped.status == "on_hold":
            shipped = pipeline.hold_release(order_id=shipped.pk, note="fuzz world", by=finance)
        shipment = pipeline.shipment_create(order_id=shipped.pk, by=manager)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=manager)
        pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", tracking_number="1Z", by=manager)
        invoice = shipped.invoices.get()
        rma = pipeline.return_request(
            order_id=shipped.pk,
            lines=[ReturnLineInput(shipped.lines.get(product=widget).pk, D("1"))],
            reason="fuzz",
            by=manager,
        )

        second = an_order(other, line(gadget, "10"), submit=True, by=manager)
        if second.status == "on_hold":
            second = pipeline.hold_release(order_id=second.pk, note="fuzz world", by=finance)
        open_shipment = pipeline.shipment_create(order_id=second.pk, by=manager)
        draft = an_order(buyer, line(gadget, "2"), by=manager)

        clock.move_to(start + timedelta(days=40))
        held = an_order(buyer, line(widget, "1"), submit=True, by=manager)  # overdue invoice: held
        note = pipeline.credit_note_issue(invoice_id=invoice.pk, reason="fuzz", amount=D("5.00"), by=finance)
        dispute = pipeline.dispute_open(
            invoice_id=invoice.pk, amount=D("10.00"), reason="pricing", by=finance
        )
        payment = pipeline.payment_record(
            customer_id=buyer.pk,
            amount=D("20.00"),
            received_on=timezone.localdate(),
            reference="fuzz",
            allocations=[],
            by=finance,
        )
        run = dunning_services.dunning_run(by=finance)

    content = f"Date,Amount,Reference,Payer\n{today.isoformat()},12.50,{invoice.number},Fuzz\n".encode()
    mapping = CsvMapping(
        date_column="Date", amount_column="Amount", reference_column="Reference", counterparty_column="Payer"
    )
    statement = bank_services.csv_import(
        file_name="fuzz.csv", content=content, mapping=mapping, currency="EUR", by=finance
    )
    pending = bank_services.pending_keep(b"Day;Sum;Text\n01.02.2026;1,00;x\n")
    issued = portal_link_create(customer_id=buyer.pk, by=finance)
    prices = price_list_create(
        name="Fuzz prices", currency="EUR", items=[ItemInput(widget.pk, D("10"), D("22.50"))]
    )
    customer_update(customer_id=other.pk, by=None, price_list=prices.pk)
    quotation = quotation_services.quotation_create(
        customer_id=other.pk, lines=[line(widget, "12")], by=manager
    )
    quotation_services.quotation_send(quotation_id=quotation.pk, by=manager)
    endpoint = webhook_services.webhook_endpoint_create(
        url="http://127.0.0.1:9/fuzz", events=["*"], by=manager
    )
    customer_update(customer_id=other.pk, by=finance, name="O'Brien & Co")  # a delivery for the endpoint
    batch = import_batch_create(
        kind="customers", content=b"code,name\nFUZZ-IMP,Imported\n", filename="fuzz.csv", by=manager
    )
    carrier = notification_services.carrier_tracking_save(
        carrier="FuzzPost", url_template="https://track.example/{tracking_number}"
    )
    template, _ = NotificationTemplate.objects.get_or_create(  # seeded, unless a flush removed it
        kind="order_confirmation",
        language="en",
        defaults={"subject": "Order {order_number}", "body": "Thanks."},
    )
    mandate = mandate_create(
        customer_id=other.pk, reference="FUZZ-M1", iban="DE89370400440532013000", signed_on=today, by=finance
    )
    world.ids = {
        "customer_id": buyer.pk,
        "order_id": held.pk,
        "shipment_id": shipment.pk,
        "invoice_id": invoice.pk,
        "credit_note_id": note.pk,
        "payment_id": payment.pk,
        "dispute_id": dispute.pk,
        "statement_id": statement.pk,
        "line_id": statement.lines.first().pk,
        "sha": pending,
        "run_id": run.pk,
        "notice_id": run.notices.first().pk,
        "link_id": issued.link.pk,
        "token": issued.token,
        "endpoint_id": endpoint.pk,
        "delivery_id": endpoint.deliveries.get().pk,
        "kind": batch.kind,
        "fmt": "csv",
        "batch_id": batch.pk,
        "carrier_id": carrier.pk,
        "template_id": template.pk,
        "quotation_id": quotation.pk,
        "price_list_id": prices.pk,
        "return_id": rma.pk,
        "mandate_id": mandate.pk,
    }
    world.more_ids = {
        "order_id": [shipped.pk, second.pk, draft.pk, held.pk],
        "shipment_id": [shipment.pk, open_shipment.pk],
        "customer_id": [buyer.pk, other.pk],
        "warehouse_id": [warehouse.pk],
        "product_id": [widget.pk, gadget.pk, service.pk],
    }
    world.values = [
        buyer.code,
        other.code,
        widget.sku,
        service.sku,
        invoice.number,
        payment.number,
        shipped.number,
        quotation.number,
    ]
    return world
