"""The histories the dashboard tests read (test_dashboard.py, test_dashboard_pages.py).

Receivables history (`books`), today = Wednesday 2026-05-20. A and C on 30 days' terms, B on 14:
  01-10 invoice A1 1000.00 (due 02-09)        02-15 invoice A2 600.00 (due 03-17)
  02-20 payment A 1000 → A1 (A1 paid)         03-05 invoice B1 400.00 (due 03-19)
  04-01 invoice B2 200.00 (due 04-15)         04-10 dispute on A2, 100.00 (still open)
  04-20 invoice A3 500.00 (due 05-20)         05-04 (Mon) payment B 150 → B1 (B1 250 left)
  05-12 payment A 300 → A2 (300 left, 100 of it disputed)
  05-13 payment B 70 → B1, reversed on 05-19 (B1 250 again)
  05-15 invoice C1 50.00, paid 05-18 (its order closed, paid_on 05-18)

Aging today: A2 64 days past due (200 undisputed in 61–90, 100 disputed), A3 due today (500
current), B1 62 days (250 in 61–90), B2 35 days (200 in 31–60): open 1250.00, overdue 650.00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from o2c import pipeline
from receivables.cash.services import AllocationInput
from tests.builders import a_customer, a_product, an_invoice, an_order, line, stock

D = Decimal
TODAY = date(2026, 5, 20)
OPS_TODAY = date(2026, 6, 10)


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC), tick=False)


def pay(customer, amount, day, invoice=None, reference="transfer"):
    allocations = [AllocationInput(invoice.pk, D(amount))] if invoice else None
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        reference=reference,
        received_on=date.fromisoformat(day),
        allocations=allocations,
    )


def build_books():
    with on("2026-01-10"):
        a = a_customer(code="A", name="Alpha & Co", payment_terms_days=30)
        b = a_customer(code="B", name="Beta <GmbH>", payment_terms_days=14)
        c = a_customer(code="C", name="Gamma", payment_terms_days=30)
        a1 = an_invoice(a, "1000.00")
    with on("2026-02-15"):
        a2 = an_invoice(a, "600.00")
    with on("2026-02-20"):
        pay(a, "1000.00", "2026-02-20", a1)
    with on("2026-03-05"):
        b1 = an_invoice(b, "400.00")
    with on("2026-04-01"):
        an_invoice(b, "200.00")
    with on("2026-04-10"):
        pipeline.dispute_open(invoice_id=a2.pk, amount="100.00", reason="quality", by=None)
    with on("2026-04-20"):
        an_invoice(a, "500.00")
    with on("2026-05-04"):
        pay(b, "150.00", "2026-05-04", b1)
    with on("2026-05-12"):
        pay(a, "300.00", "2026-05-12", a2)
    with on("2026-05-13"):
        bounced = pay(b, "70.00", "2026-05-13", b1)
    with on("2026-05-15"):
        c1 = an_invoice(c, "50.00")
    with on("2026-05-18"):
        pay(c, "50.00", "2026-05-18", c1)
    with on("2026-05-19"):
        pipeline.payment_reverse(payment_id=bounced.pk, reason="returned by the bank")
    return {"a": a, "b": b, "c": c}


def build_operations(make_user):
    """today 06-10. X: O1 5 × 10.00 shipped 06-01, expected 06-05, not delivered (late); O2 3 ×
    10.00 asked for 06-05, not shipped (late order); a service invoice of 80.00 on 06-04 paid 06-05
    (closed). Y (limit 100.00): O3 20 × 10.00 on hold. The seller's draft O4 1 × 10.00."""
    seller = make_user("sales", "seller")
    with on("2026-06-01"):
        x = a_customer(code="X", name="Xenon AG")
        y = a_customer(code="Y", name="Yak Ltd", credit_limit="100.00")
        product = a_product(price="10.00", tax_rate="0.00")
        stock(product, "100")
        o1 = an_order(x, line(product, "5"), submit=True)
        shipment = pipeline.shipment_create(order_id=o1.pk, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(
            shipment_id=shipment.pk, carrier="DHL", estimated_delivery=date(2026, 6, 5), by=None
        )
        o2 = pipeline.order_place(
            by=None,
            submit=True,
            customer_id=x.pk,
            lines=[line(product, "3")],
            warehouse_id=o1.warehouse_id,
            requested_delivery_date=date(2026, 6, 5),
        )
    with on("2026-06-02"):
        o3 = an_order(y, line(product, "20"), submit=True)
    with on("2026-06-03"):
        an_order(x, line(product, "1"), by=seller)
    with on("2026-06-04"):
        service = an_invoice(x, "80.00")
    with on("2026-06-05"):
        pay(x, "80.00", "2026-06-05", service)
    with on("2026-06-10"):
        pipeline.late_flags_refresh(today=OPS_TODAY)
    return {"x": x, "y": y, "o1": o1, "o2": o2, "o3": o3, "shipment": shipment, "seller": seller}
