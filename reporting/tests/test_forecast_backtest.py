"""The backtest on a small history made by hand: three customers on 30 days' terms, an invoice
each every two weeks, one paying 8 days early, one 25 days late, one alternately on the day and 45
days late. The forecast made as of four past days (with what was known then) is nearer to what
came in than the naive "on the due date" forecast, week by week on the whole."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from receivables.collections.tests.clock import on_day
from reporting.forecast.backtest import backtest, month_end_origins
from reporting.tests.test_cash_forecast import pay
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db

HABITS = {
    "prompt": lambda n: -8,
    "slow": lambda n: 25,
    "erratic": lambda n: 0 if n % 2 else 45,
}


def test_the_month_ends_of_a_history():
    origins = month_end_origins(first_day=date(2025, 1, 10), last_day=date(2026, 1, 5), weeks=13)
    # from the first month-end 180 days in (9 July) to the last with 91 days after it by 5 January
    assert origins == [date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30)]


def test_the_forecast_beats_the_naive_one_on_a_small_history():
    with on_day(-330):
        customers = {habit: a_customer(payment_terms_days=30) for habit in HABITS}
    payments: dict[int, list] = {}
    for number, issued_ago in enumerate(range(320, 90, -14)):
        for habit, customer in customers.items():
            with on_day(-issued_ago):
                invoice = an_invoice(customer, f"{100 + 10 * number}.00")
            paid_ago = issued_ago - 30 - HABITS[habit](number)
            if paid_ago > 0:
                payments.setdefault(paid_ago, []).append(invoice)
    for paid_ago in sorted(payments, reverse=True):
        with on_day(-paid_ago):
            for invoice in payments[paid_ago]:
                pay(invoice, str(invoice.total))
    today = timezone.localdate()
    origins = [today - timedelta(days=days) for days in (200, 180, 160, 140)]
    result = backtest(origins=origins, weeks=6)
    assert result.origins == origins and len(result.weeks) == 6
    assert result.total.actual_mean > 0
    assert result.beats_naive
    assert result.total.forecast_wape < result.total.naive_wape
    # the constant payers are dated exactly: most of the error is the erratic customer's
    assert result.total.forecast_mae < result.total.naive_mae / 2
    assert all(week.origins == 4 for week in result.weeks)
    assert result.total.within_range is not None and Decimal(0) <= result.total.within_range <= 100
