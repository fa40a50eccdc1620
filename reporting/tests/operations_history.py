"""A first-quarter history for the operational reports, built through the pipeline as production
builds it; every figure the tests expect is worked out by hand in test_operations.py.

Products: WIDGET (stock, 10.00), GADGET (stock, 20.00), SETUP (service, 50.00), all at 19 % tax.
Stock on 01-02: 200 widgets, 5 gadgets. Customers: ALPHA (no limit), BETA (limit 500.00), GAMMA,
DELTA (no limit).

  01-05 O1 ALPHA 10 widgets, requested 01-15          01-07 S1 ships all (est 01-12) → INV1 119.00
  01-10 S1 delivered (on time: 01-10 ≤ 01-15)
  01-20 O2 ALPHA 5 widgets + 8 gadgets at 5 % off (gadget line net 152.00): 3 gadgets backordered
  01-25 S2 ships 5 widgets + 5 gadgets (est 01-28) → INV2 net 145.00 tax 27.55 = 172.55
  01-30 S2 delivered (late: 01-30 > 01-28)
  02-01 D1 30.00 "damaged" on INV2 (stays open)
  02-04 payment ALPHA 119.00 → INV1: O1 fully paid (30 days)
  02-10 O3 BETA 60 widgets 714.00: over the limit → on hold (stays)
  02-12 O3x BETA 45 widgets 535.50: on hold; 02-13 rejected
  02-15 O5 ALPHA 2 × SETUP: invoiced at once, INV4 net 100.00 tax 19.00 = 119.00
  02-20 CN1 on INV2: 2 widgets back, net 20.00 tax 3.80 = 23.80
  02-20 D2 40.00 "pricing" on INV4
  03-01 O4 BETA 10 widgets, requested 03-05             03-01 D6 5.00 "quantity" on INV2 (stays)
  03-04 S3 ships all (est 03-06) → INV3 119.00           03-05 D3 19.00 "quality" on INV3
  03-06 S3 delivered: late against the requested 03-05 (the estimate 03-06 does not count)
  03-10 D3 rejected; payment ALPHA 50.00 → INV2
  03-12 D7 9.00 "other" on INV3; 03-14 withdrawn
  03-15 D2 resolved by credit note CN2 (40.00 gross: net 33.61 tax 6.39, no product)
  03-16 payment ALPHA 100.00 (→ INV2 63.75, INV4 36.25); 03-18 reversed (bounced)
  03-20 payment BETA 119.00 → INV3: O4 fully paid (19 days)
  03-25 O6 BETA 1 gadget at 10 % off (net 18.00): none in stock, backordered
  04-01 O7 BETA 50 widgets 595.00: over the limit → on hold (stays)
  04-01 D4 20.00 "quantity" on INV4 (stays)
  04-02 O8 DELTA 3 widgets, no requested date         04-03 S4 ships all, no estimate → INV5 35.70
  04-06 payment GAMMA 80.00, nothing to pay (unapplied); 04-07 S4 delivered (no promised date)
  04-08 GAMMA refunded 30.00
  04-10 D5 10.00 "other" on INV2 (stays); payment ALPHA 79.00 naming INV4 → O5 fully paid (54 days)
  "now" is 04-15 12:00 UTC.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from invoicing.services import CreditLineInput
from o2c import pipeline
from receivables.models import Dispute
from tests.builders import a_customer, a_product, a_warehouse, line, stock

NOW = datetime(2026, 4, 15, 12, tzinfo=UTC)


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC), tick=False)


def order(customer, *lines, requested: str | None = None):
    return pipeline.order_place(
        by=None,
        submit=True,
        customer_id=customer.pk,
        lines=list(lines),
        warehouse_id=a_warehouse().pk,
        requested_delivery_date=date.fromisoformat(requested) if requested else None,
    )


def ship(placed, estimated: str | None = None):
    shipment = pipeline.shipment_create(order_id=placed.pk, by=None)
    pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
    return pipeline.shipment_ship(
        shipment_id=shipment.pk,
        carrier="DHL",
        estimated_delivery=date.fromisoformat(estimated) if estimated else None,
        by=None,
    )


def deliver(shipment):
    return pipeline.shipment_deliver(shipment_id=shipment.pk, by=None)


def pay(customer, amount: str, day: str, reference: str = "transfer"):
    return pipeline.payment_record(
        customer_id=customer.pk, amount=amount, reference=reference, received_on=date.fromisoformat(day)
    )


def dispute(invoice, amount: str, reason: str) -> Dispute:
    return pipeline.dispute_open(invoice_id=invoice.pk, amount=amount, reason=reason, by=None)


def build_history() -> dict:
    with on("2026-01-02"):
        alpha = a_customer(code="ALPHA", name="Alpha GmbH")
        beta = a_customer(code="BETA", name="Beta AG", credit_limit="500.00")
        gamma = a_customer(code="GAMMA", name="Gamma SA")
        delta = a_customer(code="DELTA", name="Delta Ltd")
        widget = a_product(sku="WIDGET", name="Widget", price="10.00")
        gadget = a_product(sku="GADGET", name="Gadget", price="20.00")
        setup = a_product(sku="SETUP", name="Setup service", price="50.00", kind="service", cost="0")
        stock(widget, "200")
        stock(gadget, "5")
    with on("2026-01-05"):
        o1 = order(alpha, line(widget, "10"), requested="2026-01-15")
    with on("2026-01-07"):
        s1 = ship(o1, estimated="2026-01-12")
    with on("2026-01-10"):
        deliver(s1)
    with on("2026-01-20"):
        o2 = order(alpha, line(widget, "5"), line(gadget, "8", discount="5"))
    with on("2026-01-25"):
        s2 = ship(o2, estimated="2026-01-28")
    with on("2026-01-30"):
        deliver(s2)
    inv1, inv2 = o1.invoices.get(), o2.invoices.get()
    with on("2026-02-01"):
        dispute(inv2, "30.00", "damaged")
    with on("2026-02-04"):
        pay(alpha, "119.00", "2026-02-04")
    with on("2026-02-10"):
        o3 = order(beta, line(widget, "60"))
    with on("2026-02-12"):
        o3x = order(beta, line(widget, "45"))
    with on("2026-02-13"):
        pipeline.hold_reject(order_id=o3x.pk, note="too much", by=None)
    with on("2026-02-15"):
        o5 = order(alpha, line(setup, "2"))
    inv4 = o5.invoices.get()
    with on("2026-02-20"):
        widget_line = inv2.lines.get(product=widget)
        cn1 = pipeline.credit_note_issue(
            invoice_id=inv2.pk,
            reason="2 widgets returned",
            lines=[CreditLineInput(invoice_line_id=widget_line.pk, quantity=Decimal("2"))],
            confirm_unrelated=True,  # the open dispute on inv2 is about damage, not these returns
            by=None,
        )
        d2 = dispute(inv4, "40.00", "pricing")
    with on("2026-03-01"):
        o4 = order(beta, line(widget, "10"), requested="2026-03-05")
        dispute(inv2, "5.00", "quantity")
    with on("2026-03-04"):
        s3 = ship(o4, estimated="2026-03-06")
    inv3 = o4.invoices.get()
    with on("2026-03-05"):
        d3 = dispute(inv3, "19.00", "quality")
    with on("2026-03-06"):
        deliver(s3)
    with on("2026-03-10"):
        pipeline.dispute_resolve(dispute_id=d3.pk, outcome="rejected", by=None)
        pay(alpha, "50.00", "2026-03-10")
    with on("2026-03-12"):
        d7 = dispute(inv3, "9.00", "other")
    with on("2026-03-14"):
        pipeline.dispute_resolve(dispute_id=d7.pk, outcome="withdrawn", by=None)
    with on("2026-03-15"):
        d2 = pipeline.dispute_resolve(dispute_id=d2.pk, outcome="credit_note", by=None)
    with on("2026-03-16"):
        bounced = pay(alpha, "100.00", "2026-03-16")
    with on("2026-03-18"):
        pipeline.payment_reverse(payment_id=bounced.pk, reason="bounced")
    with on("2026-03-20"):
        pay(beta, "119.00", "2026-03-20")
    with on("2026-03-25"):
        o6 = order(beta, line(gadget, "1", discount="10"))
    with on("2026-04-01"):
        o7 = order(beta, line(widget, "50"))
        dispute(inv4, "20.00", "quantity")
    with on("2026-04-02"):
        o8 = order(delta, line(widget, "3"))
    with on("2026-04-03"):
        s4 = ship(o8)
    with on("2026-04-06"):
        advance = pay(gamma, "80.00", "2026-04-06", reference="advance")
    with on("2026-04-07"):
        deliver(s4)
    with on("2026-04-08"):
        pipeline.payment_refund(payment_id=advance.pk, amount="30.00", reason="asked back")
    with on("2026-04-10"):
        dispute(inv2, "10.00", "other")
        pay(alpha, "79.00", "2026-04-10", reference=inv4.number)
    return {
        "customers": {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta},
        "products": {"widget": widget, "gadget": gadget, "setup": setup},
        "orders": {
            "o1": o1,
            "o2": o2,
            "o3": o3,
            "o3x": o3x,
            "o4": o4,
            "o5": o5,
            "o6": o6,
            "o7": o7,
            "o8": o8,
        },
        "invoices": {"inv1": inv1, "inv2": inv2, "inv3": inv3, "inv4": inv4},
        "credit_notes": {"cn1": cn1, "cn2": d2.credit_note},
    }


def csv_of(response) -> list[dict]:
    """The rows of a CSV response (page or API), as dicts by column."""
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))
