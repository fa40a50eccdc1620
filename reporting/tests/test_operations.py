"""The operational reports against the history of operations_history.py, every figure worked out by
hand below (their API: test_operations_api.py, their pages: test_operations_pages.py).

Period: 2026-01-01 to 2026-04-15 unless said otherwise; "now" is 2026-04-15 12:00 UTC.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reporting.dso import credit_sales
from reporting.kpis import cycle_time, on_time_delivery_rate
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.cycle_times import cycle_time_report
from reporting.operations.disputes import DisputeReason, dispute_report
from reporting.operations.fulfilment import fulfilment_report
from reporting.operations.period import Period, period_clean, period_default
from reporting.operations.sales import NOT_BY_PRODUCT, sales_report
from reporting.tests.operations_history import NOW, build_history, on

pytestmark = pytest.mark.django_db
D = Decimal
START, END = date(2026, 1, 1), date(2026, 4, 15)
PERIOD = {"start": "2026-01-01", "end": "2026-04-15"}
ENDPOINTS = ("cycle-times", "fulfilment", "credit-holds", "disputes", "cash", "sales")


@pytest.fixture
def history(db):
    return build_history()


def months(report_rows):
    return {row.month.strftime("%Y-%m"): row for row in report_rows}


# ── order-to-cash cycle time ────────────────────────────────────────────────────────────────────


def test_cycle_time_median_p90_and_by_month(history):
    report = cycle_time_report(start=START, end=END)
    # Fully paid: O1 01-05 → 02-04 (30 days), O4 03-01 → 03-20 (19), O5 02-15 → 04-10 (54).
    total = report.total
    assert (total.count, total.median_days, total.average_days) == (3, D("30.0"), D("34.3"))
    assert total.p90_days == D("49.2")  # 30 + 0.8 × (54 − 30)
    by_month = months(report.months)
    assert list(by_month) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert by_month["2026-01"].count == 0 and by_month["2026-01"].median_days is None
    assert [(row.count, row.median_days, row.p90_days) for row in report.months[1:]] == [
        (1, D("30.0"), D("30.0")),
        (1, D("19.0"), D("19.0")),
        (1, D("54.0"), D("54.0")),
    ]
    # The same definition as the KPI tile.
    kpi = cycle_time(start=START, end=END)
    assert (kpi.median_days, kpi.p90_days, kpi.orders) == (total.median_days, total.p90_days, total.count)


def test_cycle_time_of_a_period_without_payments(history):
    report = cycle_time_report(start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert (report.total.count, report.total.median_days, report.total.p90_days) == (0, None, None)


# ── fulfilment ─────────────────────────────────────────────────────────────────────────────────


def test_order_to_ship_and_first_shipment_fill_rate(history):
    report = fulfilment_report(start=START, end=END)
    # First shipments: O1 2 days (full), O2 5 days (5 of 8 gadgets), O4 3 days (full), O8 1 day (full).
    total = report.total
    assert (total.ship.count, total.ship.median_days, total.ship.p90_days, total.ship.average_days) == (
        4,
        D("2.5"),
        D("4.4"),  # 3 + 0.7 × (5 − 3)
        D("2.8"),  # 11 / 4 = 2.75, half up
    )
    assert (total.orders_complete, total.order_fill_rate) == (3, D("75.0"))
    assert (total.quantity_ordered, total.quantity_first_shipped, total.line_fill_rate) == (
        D("36"),
        D("33"),
        D("91.7"),  # 33 / 36
    )
    january = months(report.months)["2026-01"]
    assert (january.ship.count, january.ship.median_days, january.ship.p90_days) == (2, D("3.5"), D("4.7"))
    assert (january.order_fill_rate, january.line_fill_rate) == (D("50.0"), D("87.0"))  # 1 of 2; 20 / 23
    assert months(report.months)["2026-02"].ship.count == 0
    assert months(report.months)["2026-02"].order_fill_rate is None
    assert months(report.months)["2026-04"].order_fill_rate == D("100.0")


def test_on_time_delivery_rate_with_and_without_a_promised_date(history):
    report = fulfilment_report(start=START, end=END)
    # S1 01-10 ≤ requested 01-15: on time; S2 01-30 > estimated 01-28: late; S3 03-06 > requested
    # 03-05 (its estimate 03-06 does not count): late; S4 has no promised date: counted apart.
    total = report.total
    assert (total.on_time, total.deliveries, total.on_time_rate, total.without_promise) == (
        1,
        3,
        D("33.3"),
        1,
    )
    assert total.on_time_rate == on_time_delivery_rate(start=START, end=END)  # the KPI's definition
    by_month = months(report.months)
    assert (by_month["2026-01"].on_time, by_month["2026-01"].deliveries) == (1, 2)
    assert by_month["2026-01"].on_time_rate == D("50.0")
    assert by_month["2026-03"].on_time_rate == D("0.0")
    assert (by_month["2026-04"].on_time_rate, by_month["2026-04"].without_promise) == (None, 1)


def test_backorder_value_now(history):
    report = fulfilment_report(start=START, end=END)
    # O2: 3 gadgets × (152.00 / 8) = 57.00; O6: 1 gadget × 18.00 (10 % off 20.00).
    assert [(row.sku, row.orders, row.quantity, row.value) for row in report.backorders] == [
        ("GADGET", 2, D("4.000"), D("75.00"))
    ]
    assert report.backorders[0].oldest_order_date == date(2026, 1, 20)
    assert (report.backorder_total.orders, report.backorder_total.value) == (2, D("75.00"))


# ── credit holds ───────────────────────────────────────────────────────────────────────────────


def test_credit_hold_queue_oldest_first_with_time_on_hold(history):
    with on("2026-04-15"):
        report = credit_hold_report()
    orders = history["orders"]
    # O3 held 02-10 12:00 (64 days), O7 04-01 12:00 (14 days); O3x was held and rejected.
    assert [row.number for row in report.orders] == [orders["o3"].number, orders["o7"].number]
    assert [row.days_on_hold for row in report.orders] == [D("64.0"), D("14.0")]
    assert (report.count, report.value) == (2, D("1309.00"))  # 714.00 + 595.00
    assert (report.average_days_on_hold, report.max_days_on_hold) == (D("39.0"), D("64.0"))
    assert report.orders[0].reason == "limit exceeded by 214.00 EUR"
    assert report.orders[0].customer_code == "BETA"


def test_a_released_hold_leaves_the_queue(history):
    from o2c import pipeline

    o7 = history["orders"]["o7"]
    with on("2026-04-15"):
        pipeline.hold_release(order_id=o7.pk, note="paid upfront", by=None)
    report = credit_hold_report(now=NOW)
    assert [row.number for row in report.orders] == [history["orders"]["o3"].number]
    assert report.average_days_on_hold == D("64.0")


# ── disputes ───────────────────────────────────────────────────────────────────────────────────


def test_open_disputes_by_days_open(history):
    report = dispute_report(start=START, end=END)
    # Open on 04-15: D5 10.00 (5 days), D4 20.00 (14), D6 5.00 (45), D1 30.00 (73).
    assert [(row.bucket, row.count, row.amount) for row in report.ages] == [
        ("days_0_7", 1, D("10.00")),
        ("days_8_30", 1, D("20.00")),
        ("days_31_60", 1, D("5.00")),
        ("days_over_60", 1, D("30.00")),
    ]
    assert (report.age_total.count, report.age_total.amount, report.age_total.oldest_days) == (
        4,
        D("65.00"),
        73,
    )


def test_disputes_by_reason_with_outcomes(history):
    report = dispute_report(start=START, end=END)
    rows = {row.reason: row for row in report.reasons}
    assert list(rows) == ["pricing", "quantity", "damaged", "not_received", "quality", "other"]
    pricing = rows["pricing"]
    assert (pricing.opened, pricing.opened_amount, pricing.credited, pricing.credited_amount) == (
        1,
        D("40.00"),
        1,
        D("40.00"),
    )
    assert (pricing.credit_notes_amount, pricing.average_days_to_resolve, pricing.open_at_end) == (
        D("40.00"),
        D("23.0"),  # 02-20 → 03-15
        0,
    )
    assert (rows["quantity"].opened, rows["quantity"].open_at_end, rows["quantity"].open_amount) == (
        2,
        2,
        D("25.00"),
    )
    assert (rows["quality"].rejected, rows["quality"].rejected_amount) == (1, D("19.00"))
    other = rows["other"]
    assert (
        other.opened,
        other.opened_amount,
        other.withdrawn,
        other.withdrawn_amount,
        other.open_amount,
    ) == (
        2,
        D("19.00"),
        1,
        D("9.00"),
        D("10.00"),
    )
    assert rows["not_received"] == DisputeReason("not_received")
    total = report.total
    assert (total.opened, total.opened_amount, total.resolved, total.open_at_end, total.open_amount) == (
        7,
        D("133.00"),
        3,
        4,
        D("65.00"),
    )
    assert total.average_days_to_resolve == D("10.0")  # (23 + 5 + 2) / 3


def test_disputes_as_of_a_past_month(history):
    report = dispute_report(start=date(2026, 3, 1), end=date(2026, 3, 31))
    # Open on 03-31: D1 (58 days), D6 (30 days); D4 and D5 came later, the others were resolved.
    assert [(row.count, row.amount) for row in report.ages] == [
        (0, D("0.00")),
        (1, D("5.00")),
        (1, D("30.00")),
        (0, D("0.00")),
    ]
    rows = {row.reason: row for row in report.reasons}
    assert (rows["pricing"].opened, rows["pricing"].credited) == (0, 1)  # opened in February
    assert (rows["other"].opened, rows["other"].withdrawn, rows["other"].open_at_end) == (1, 1, 0)
    assert (report.total.opened, report.total.resolved, report.total.open_at_end) == (3, 3, 2)


# ── cash ───────────────────────────────────────────────────────────────────────────────────────


def test_cash_collected_per_iso_week(history):
    report = cash_report(start=START, end=END)
    assert len(report.weeks) == 16
    assert (report.weeks[0].iso_week, report.weeks[0].week_start, report.weeks[0].partial) == (
        "2026-W01",
        date(2025, 12, 29),
        True,
    )
    assert (report.weeks[-1].iso_week, report.weeks[-1].partial) == ("2026-W16", True)
    weeks = {week.iso_week: week for week in report.weeks if week.payments or week.reversals or week.refunds}
    assert {
        name: (w.payments, w.received, w.reversed, w.net_collected, w.refunds) for name, w in weeks.items()
    } == {
        "2026-W06": (1, D("119.00"), D("0.00"), D("119.00"), D("0.00")),
        "2026-W11": (1, D("50.00"), D("0.00"), D("50.00"), D("0.00")),
        "2026-W12": (2, D("219.00"), D("100.00"), D("119.00"), D("0.00")),  # the bounce the same week
        "2026-W15": (2, D("159.00"), D("0.00"), D("159.00"), D("30.00")),
    }
    total = report.total
    assert (total.payments, total.received, total.reversals, total.reversed) == (
        6,
        D("547.00"),
        1,
        D("100.00"),
    )
    assert (total.net_collected, total.refunds) == (D("447.00"), D("30.00"))


def test_a_reversal_counts_in_the_week_it_happened(history):
    report = cash_report(start=date(2026, 3, 18), end=date(2026, 3, 31))
    first = report.weeks[0]
    # The bounced payment arrived 03-16, before the period; its reversal on 03-18 is inside it.
    assert (first.iso_week, first.partial, first.received, first.reversed, first.net_collected) == (
        "2026-W12",
        True,
        D("119.00"),
        D("100.00"),
        D("19.00"),
    )


# ── sales ──────────────────────────────────────────────────────────────────────────────────────


def test_sales_by_month(history):
    report = sales_report(start=START, end=END, by="month")
    assert [
        (row.key, row.invoiced, row.credited, row.net_sales, row.tax, row.gross) for row in report.rows
    ] == [
        ("2026-01", D("245.00"), D("0.00"), D("245.00"), D("46.55"), D("291.55")),
        ("2026-02", D("100.00"), D("20.00"), D("80.00"), D("15.20"), D("95.20")),  # INV4 − CN1
        ("2026-03", D("100.00"), D("33.61"), D("66.39"), D("12.61"), D("79.00")),  # INV3 − CN2
        ("2026-04", D("30.00"), D("0.00"), D("30.00"), D("5.70"), D("35.70")),
    ]
    total = report.total
    assert (total.invoiced, total.credited, total.net_sales, total.tax, total.gross) == (
        D("475.00"),
        D("53.61"),
        D("421.39"),
        D("80.06"),
        D("501.45"),
    )
    assert total.gross == credit_sales(start=START, end=END)  # what DSO reads as credit sales


def test_sales_by_customer(history):
    report = sales_report(start=START, end=END, by="customer")
    assert [(row.code, row.net_sales, row.tax, row.gross) for row in report.rows] == [
        ("ALPHA", D("291.39"), D("55.36"), D("346.75")),
        ("BETA", D("100.00"), D("19.00"), D("119.00")),
        ("DELTA", D("30.00"), D("5.70"), D("35.70")),
    ]
    assert report.total.net_sales == D("421.39")


def test_sales_by_product_credits_by_amount_apart(history):
    report = sales_report(start=START, end=END, by="product")
    assert [
        (row.code, row.name, row.invoiced, row.credited, row.net_sales, row.gross) for row in report.rows
    ] == [
        ("WIDGET", "Widget", D("280.00"), D("20.00"), D("260.00"), D("309.40")),
        ("SETUP", "Setup service", D("100.00"), D("0.00"), D("100.00"), D("119.00")),
        ("GADGET", "Gadget", D("95.00"), D("0.00"), D("95.00"), D("113.05")),
        ("", NOT_BY_PRODUCT, D("0.00"), D("33.61"), D("-33.61"), D("-40.00")),
    ]
    assert report.total.gross == D("501.45")


# ── periods ────────────────────────────────────────────────────────────────────────────────────


def test_the_default_period_is_the_last_twelve_months():
    assert period_default(today=date(2026, 4, 15)) == Period(date(2025, 5, 1), date(2026, 4, 15))
    assert period_clean(start=None, end=date(2026, 1, 31)).start == date(2025, 2, 1)
    assert len(Period(date(2025, 5, 1), date(2026, 4, 15)).months()) == 12


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(date(2026, 2, 1), date(2026, 1, 1), "start"), (date(2010, 1, 1), date(2026, 1, 1), "start")],
)
def test_a_backwards_or_too_long_period_is_refused(start, end, field):
    from o2c.errors import DomainError

    with pytest.raises(DomainError) as refused:
        period_clean(start=start, end=end)
    assert refused.value.field == field
