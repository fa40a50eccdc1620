"""Aging, DSO (standard and count-back), best possible DSO, average days delinquent and CEI
against a history computed by hand (docs/kpi-formulas.md walks through the same figures).

Customer A, 30 days' terms:
  01-01 invoice I1 1000.00 (due 01-31)          02-01 invoice I2 500.00 (due 03-03)
  02-10 payment 400 → I1 (oldest due)           03-01 invoice I3 300.00 (due 03-31)
  03-05 dispute 100 on I2                       03-15 credit note 100 on I1
  03-20 payment 700 → I1 500, I2 200 (its undisputed part first, oldest due first)
  04-10 payment 250 → I2 200 (the rest of its undisputed part), I3 50
  05-02 the dispute on I2 is rejected
Customer B: 03-10 payment 80 with nothing to pay (unapplied); 04-05 invoice 50 (due 05-05);
  04-06 50 of the unapplied cash applied to it.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from ledger.selectors import account_balance
from o2c import pipeline
from receivables.cash.services import AllocationInput
from reporting.aging import aging_invoices, aging_report
from reporting.dso import cei_report, dso_report
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC), tick=False)


def pay(customer, amount, day, reference="transfer"):
    return pipeline.payment_record(
        customer_id=customer.pk, amount=amount, reference=reference, received_on=date.fromisoformat(day)
    )


@pytest.fixture
def history():
    with on("2026-01-01"):
        a = a_customer(code="A", payment_terms_days=30)
        b = a_customer(code="B", payment_terms_days=30)
        i1 = an_invoice(a, "1000.00")
    with on("2026-02-01"):
        i2 = an_invoice(a, "500.00")
    with on("2026-02-10"):
        pay(a, "400.00", "2026-02-10")
    with on("2026-03-01"):
        i3 = an_invoice(a, "300.00")
    with on("2026-03-05"):
        dispute = pipeline.dispute_open(invoice_id=i2.pk, amount="100.00", reason="quality", by=None)
    with on("2026-03-10"):
        advance = pay(b, "80.00", "2026-03-10", reference="advance")
    with on("2026-03-15"):
        pipeline.credit_note_issue(invoice_id=i1.pk, reason="price", amount=D("100.00"), by=None)
    with on("2026-03-20"):
        pay(a, "700.00", "2026-03-20")
    with on("2026-04-05"):
        ib1 = an_invoice(b, "50.00")
    with on("2026-04-06"):
        pipeline.payment_apply(payment_id=advance.pk, allocations=[AllocationInput(ib1.pk, D("50.00"))])
    with on("2026-04-10"):
        pay(a, "250.00", "2026-04-10")
    with on("2026-05-02"):
        pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="rejected", by=None)
    return {"a": a, "b": b, "i1": i1, "i2": i2, "i3": i3}


def buckets(row):
    return (
        {name: value for name, value in row.buckets().items() if value}
        | ({"disputed": row.disputed} if row.disputed else {})
        | ({"unapplied": row.unapplied} if row.unapplied else {})
    )


@pytest.mark.parametrize(
    ("as_of", "expected", "total"),
    [
        ("2025-12-31", {}, "0.00"),
        ("2026-01-31", {"current": "1000.00"}, "1000.00"),
        ("2026-02-15", {"current": "500.00", "days_1_30": "600.00"}, "1100.00"),
        (
            "2026-03-10",
            {
                "current": "300.00",
                "days_1_30": "400.00",
                "days_31_60": "600.00",
                "disputed": "100.00",
                "unapplied": "80.00",
            },
            "1320.00",
        ),
        (
            "2026-03-31",
            {"current": "300.00", "days_1_30": "200.00", "disputed": "100.00", "unapplied": "80.00"},
            "520.00",
        ),
        ("2026-04-30", {"days_1_30": "250.00", "disputed": "100.00", "unapplied": "30.00"}, "320.00"),
        ("2026-05-10", {"days_31_60": "250.00", "days_61_90": "100.00", "unapplied": "30.00"}, "320.00"),
    ],
)
def test_aging_as_of_past_dates(history, as_of, expected, total):
    report = aging_report(as_of=date.fromisoformat(as_of))
    assert buckets(report.totals) == {name: D(value) for name, value in expected.items()}
    assert report.totals.total == D(total)


def test_aging_per_customer_and_drill_down(history):
    report = aging_report(as_of=date(2026, 3, 10), sort="code")
    assert [row.code for row in report.customers] == ["A", "B"]
    a, b = report.customers
    assert (a.total, a.disputed, b.unapplied, b.total) == (D("1400.00"), D("100.00"), D("80.00"), D("-80.00"))
    invoices = aging_invoices(as_of=date(2026, 3, 10), customer_id=history["a"].pk)
    assert [(i.number, i.balance, i.days_past_due, i.bucket) for i in invoices] == [
        (history["i1"].number, D("600.00"), 38, "days_31_60"),
        (history["i2"].number, D("500.00"), 7, "days_1_30"),
        (history["i3"].number, D("300.00"), -21, "current"),
    ]
    assert invoices[1].disputed == D("100.00")


def test_the_aging_total_equals_the_customer_control_accounts_on_every_date(history):
    day = date(2025, 12, 30)
    while day <= date(2026, 5, 12):
        net = account_balance(key="receivables", as_of=day) + account_balance(
            key="customer_advances", as_of=day
        )
        assert aging_report(as_of=day).totals.total == net, day
        day += timedelta(days=1)


def test_dso_standard_countback_best_possible_and_days_delinquent(history):
    dso = dso_report(as_of=date(2026, 3, 31), days=90)
    assert (dso.receivables, dso.credit_sales, dso.current_receivables) == (
        D("600.00"),
        D("1700.00"),
        D("300.00"),
    )
    assert dso.standard_dso == D("31.8")  # 600 / 1700 × 90 = 31.76
    assert dso.countback_dso == D("53.4")  # March: 31 days (sales 200); February: 400 / 500 × 28 = 22.4
    assert dso.best_possible_dso == D("15.9")  # 300 / 1700 × 90 = 15.88
    assert dso.average_days_delinquent == D("15.9")


def test_cei_for_march(history):
    cei = cei_report(start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert (cei.beginning_receivables, cei.credit_sales, cei.ending_receivables, cei.ending_current) == (
        D("1100.00"),
        D("200.00"),
        D("600.00"),
        D("300.00"),
    )
    assert cei.cei == D("70.0")  # (1100 + 200 − 600) / (1100 + 200 − 300)


def test_no_sales_means_no_dso(db):
    dso = dso_report(as_of=date(2026, 1, 1))
    assert (dso.standard_dso, dso.countback_dso, dso.average_days_delinquent) == (None, D("0.0"), None)


def test_kpis_on_the_last_day_of_march(history):
    from reporting.kpis import kpis

    figures = kpis(as_of=date(2026, 3, 31), days=90)
    assert (figures.dso, figures.countback_dso, figures.average_days_delinquent) == (
        D("31.8"),
        D("53.4"),
        D("15.9"),
    )
    assert figures.cei == D("78.6")  # (0 + 1700 − 600) / (0 + 1700 − 300)
    assert (figures.receivables, figures.overdue, figures.overdue_percent) == (
        D("600.00"),
        D("200.00"),
        D("33.3"),
    )
    assert (figures.disputed, figures.unapplied, figures.credit_sales) == (
        D("100.00"),
        D("80.00"),
        D("1700.00"),
    )
    # Only I1's order was fully paid by then: ordered 01-01, paid 03-20.
    assert (figures.o2c_cycle_days_median, figures.o2c_cycle_days_p90) == (D("78.0"), D("78.0"))
    assert figures.on_time_delivery_rate is None  # nothing delivered with a promised date
    assert figures.orders_on_hold == 0  # the held orders were released the day they were held
    held_in_february = kpis(as_of=date(2026, 2, 1))
    assert held_in_february.orders_on_hold == 0


def test_orders_on_hold_on_a_date_and_on_time_delivery(make_user):
    from reporting.kpis import on_time_delivery_rate, orders_on_hold
    from tests.builders import a_product, an_order, line, stock

    widget = a_product(price="100.00", tax_rate="0.00")
    stock(widget, "10")
    with on("2026-06-01"):
        tight = a_customer(credit_limit="50.00")
        held = an_order(tight, line(widget, "1"), submit=True)
        roomy = a_customer()
        early = an_order(roomy, line(widget, "1"), submit=True)
        late = an_order(roomy, line(widget, "1"), submit=True)
        for order, promised in ((early, date(2026, 6, 5)), (late, date(2026, 6, 3))):
            shipment = pipeline.shipment_create(order_id=order.pk, by=None)
            pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
            pipeline.shipment_ship(
                shipment_id=shipment.pk, carrier="DHL", estimated_delivery=promised, by=None
            )
    with on("2026-06-04"):
        for order in (early, late):
            pipeline.shipment_deliver(shipment_id=order.shipments.get().pk, by=None)
    with on("2026-06-10"):
        pipeline.hold_release(order_id=held.pk, note="ok", by=None)
    assert orders_on_hold(as_of=date(2026, 5, 31)) == (0, D("0"))
    assert orders_on_hold(as_of=date(2026, 6, 9)) == (1, D("100.00"))
    assert orders_on_hold(as_of=date(2026, 6, 10)) == (0, D("0"))
    assert on_time_delivery_rate(start=date(2026, 6, 1), end=date(2026, 6, 30)) == D("50.0")  # one of two
    assert on_time_delivery_rate(start=date(2026, 6, 5), end=date(2026, 6, 30)) is None
