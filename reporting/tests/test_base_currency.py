"""Reports sum base amounts (decision 0062, follow-up): a USD customer at 1.10 USD per EUR and a
EUR customer, the expected base totals worked by hand. The base currency is EUR."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.rates.services import exchange_rate_set
from o2c import pipeline
from reporting.operations.cash import cash_report
from reporting.operations.credit_holds import credit_hold_report
from reporting.operations.disputes import dispute_report
from reporting.operations.sales import sales_report
from tests.builders import a_customer, a_product, a_warehouse, an_order, line

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def usd_and_eur():
    today = timezone.localdate()
    exchange_rate_set(currency="USD", rate="1.10", valid_on=today - timedelta(days=1))
    return a_customer(currency="USD", credit_limit="1.00"), a_customer(credit_limit="1.00"), today


def test_cash_per_week_adds_base_amounts(usd_and_eur, django_assert_num_queries):
    """USD 1,100.00 at 1.10 = EUR 1,000.00; USD 55.55 / 1.10 = 50.5 → 50.50; EUR 250.00:
    received 1,000.00 + 50.50 + 250.00 = EUR 1,300.50 (USD and EUR added as such: 1,405.55)."""
    usd, eur, today = usd_and_eur
    for customer, amount in ((usd, "1100.00"), (usd, "55.55"), (eur, "250.00")):
        pipeline.payment_record(
            customer_id=customer.pk, amount=D(amount), received_on=today, allocations=None
        )
    with django_assert_num_queries(1):
        report = cash_report(start=today, end=today)
    assert (report.total.payments, report.total.received, report.total.net_collected) == (
        3,
        D("1300.50"),
        D("1300.50"),
    )
    assert report.currency == "EUR"


def test_the_hold_queue_value_adds_base_totals(usd_and_eur, django_assert_num_queries):
    """USD order 1,000.00 + 19 % = 1,190.00 at 1.10 = 1,081.8181… → EUR 1,081.82; EUR order
    100.00 + 19 % = 119.00: the queue holds EUR 1,200.82 (not 1,309.00)."""
    usd, eur, _ = usd_and_eur
    a_warehouse()
    service = a_product(price="1000.00", kind="service", cost="0")
    eur_service = a_product(price="100.00", kind="service", cost="0")
    an_order(usd, line(service, "1"), submit=True)
    an_order(eur, line(eur_service, "1"), submit=True)
    with django_assert_num_queries(1):
        report = credit_hold_report()
    assert report.count == 2
    assert {(o.currency, o.total, o.total_base) for o in report.orders} == {
        ("USD", D("1190.00"), D("1081.82")),
        ("EUR", D("119.00"), D("119.00")),
    }
    assert (report.value, report.currency) == (D("1200.82"), "EUR")
    header, rows = report.table()
    assert header[-2] == "total_base" and sorted(row[-2] for row in rows) == [D("119.00"), D("1081.82")]


def test_the_sales_report_converts_each_line(django_assert_num_queries):
    """USD invoice 1,000.00 net + 190.00 tax = 1,190.00 at 1.10: net 909.0909… → 909.09, tax
    172.7272… → 172.73, gross 1,081.8181… → 1,081.82; EUR invoice 100.00 + 19.00 = 119.00.
    Total: net 1,009.09, tax 191.73, gross EUR 1,200.82."""
    today = timezone.localdate()
    exchange_rate_set(currency="USD", rate="1.10", valid_on=today - timedelta(days=1))
    a_warehouse()
    usd, eur = a_customer(currency="USD", credit_limit=None), a_customer(credit_limit=None)
    an_order(usd, line(a_product(price="1000.00", kind="service", cost="0"), "1"), submit=True)
    an_order(eur, line(a_product(price="100.00", kind="service", cost="0"), "1"), submit=True)
    with django_assert_num_queries(2):  # the sales and the quotations beside them, as before
        report = sales_report(start=today, end=today, by="customer")
    total = report.total
    assert (total.invoiced, total.tax, total.gross, total.net_sales) == (
        D("1009.09"),
        D("191.73"),
        D("1200.82"),
        D("1009.09"),
    )
    assert {row.code: row.gross for row in report.rows} == {usd.code: D("1081.82"), eur.code: D("119.00")}
    assert report.currency == "EUR"


def test_dispute_ages_add_base_amounts(django_assert_num_queries):
    """A dispute of USD 110.00 on a USD invoice at 1.10 = EUR 100.00; USD 0.05 / 1.10 = 0.04545…
    → 0.05; EUR 19.00 on a EUR invoice: EUR 119.05 open, 0–7 days (USD and EUR added: 129.05)."""
    today = timezone.localdate()
    exchange_rate_set(currency="USD", rate="1.10", valid_on=today - timedelta(days=1))
    a_warehouse()
    usd, eur = a_customer(currency="USD", credit_limit=None), a_customer(credit_limit=None)
    usd_order = an_order(usd, line(a_product(price="1000.00", kind="service", cost="0"), "1"), submit=True)
    usd_order_2 = an_order(usd, line(a_product(price="1000.00", kind="service", cost="0"), "1"), submit=True)
    eur_order = an_order(eur, line(a_product(price="100.00", kind="service", cost="0"), "1"), submit=True)
    for order, amount in ((usd_order, "110.00"), (usd_order_2, "0.05"), (eur_order, "19.00")):
        pipeline.dispute_open(invoice_id=order.invoices.get().pk, amount=amount, reason="quality", by=None)
    with django_assert_num_queries(2):  # as before: the ages and the reasons
        report = dispute_report(start=today, end=today)
    assert (report.age_total.count, report.age_total.amount) == (3, D("119.05"))
    assert (report.ages[0].bucket, report.ages[0].amount) == ("days_0_7", D("119.05"))
    assert (report.total.opened_amount, report.total.open_amount) == (D("119.05"), D("119.05"))
    assert report.currency == "EUR"
