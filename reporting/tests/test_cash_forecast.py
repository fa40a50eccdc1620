"""The cash forecast on a hand-made book, every weekly figure worked by hand; as of a past date it
uses nothing that happened after that date; the page and the API.

The book (terms 30 days; T = today; "late" = days paid after the due date):
- A paid three invoices 3 days late. A1 1,000.00 due T+10: paid T+13 → week 2. A2 500.00 due
  T−5 (5 days overdue), 200.00 of it disputed: none of A's payments was later than 5 days, so
  the portfolio's (A's 3, 3, 3 and B's −5, −5, −5, 30) later than 5: only 30 → T+25, week 4:
  300.00 expected, 200.00 disputed apart.
- B paid three invoices 5 days early and one 30 days late. B1 400.00 due T+20: ¾ at T+15 (week
  3: 300.00), ¼ at T+50 (week 8: 100.00); B2 200.00 due T+21 likewise (150.00 in week 3, 50.00 in
  week 8). B's invoices move together: their σ add, 400 √(3/16) + 200 √(3/16), so the variance
  in each week is 600² × 3/16 = 67,500 (not 30,000 + 7,500).
- C is new (no payment): C1 700.00 due T+5 takes the portfolio later than −5: 3, 3, 3 (¾ at
  T+8, week 2: 525.00) and 30 (¼ at T+35, week 5: 175.00); variance 700² × 3/16 = 91,875 each.
- D is new, D1 800.00 due T−10, with a promise of 600.00 on T+9 naming it; no promise was ever
  settled, so it counts one half: 300.00 in week 2 (variance 600² × ½ × ½ = 90,000); the rest of
  D1, 800 × (1 − 300/800) = 500.00, by the portfolio later than 10 days: 30 → T+20, week 3.
Naive: A2, C1, D1 in week 1 (overdue or due within it: 500 + 700 + 800), A1 week 2, B1 and B2
week 3.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.collections import services
from receivables.collections.tests.clock import on_day
from reporting.forecast.selectors import Z_80, cash_forecast
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def pay(invoice, amount):
    pipeline.payment_record(
        customer_id=invoice.customer_id,
        amount=amount,
        reference="",
        received_on=timezone.localdate(),
        allocations=[AllocationInput(invoice_id=invoice.pk, amount=D(amount))],
    )


def paid_history(customer, lates):
    """Invoices of 100.00 issued 200, 170, … days ago, each paid `late` days after its due date."""
    for index, late in enumerate(lates):
        issued_ago = 200 - 30 * index
        with on_day(-issued_ago):
            invoice = an_invoice(customer, "100.00")
        with on_day(-issued_ago + 30 + late):
            pay(invoice, "100.00")


def issued(customer, amount, *, due_in):
    with on_day(due_in - 30):
        return an_invoice(customer, amount)


def spread(variance):
    return (Z_80 * D(variance).sqrt()).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def book():
    return build_book()


def build_book():
    with on_day(-260):
        a, b, c, d = (a_customer(payment_terms_days=30) for _ in range(4))
    paid_history(a, [3, 3, 3])
    paid_history(b, [-5, -5, -5, 30])
    a1 = issued(a, "1000.00", due_in=10)
    a2 = issued(a, "500.00", due_in=-5)
    b1 = issued(b, "400.00", due_in=20)
    issued(b, "200.00", due_in=21)
    c1 = issued(c, "700.00", due_in=5)
    d1 = issued(d, "800.00", due_in=-10)
    pipeline.dispute_open(invoice_id=a2.pk, amount="200.00", reason="pricing", by=None)
    services.promise_make(
        customer_id=d.pk,
        invoice_ids=[d1.pk],
        amount="600.00",
        promised_on=timezone.localdate() + timedelta(days=9),
    )
    return {"a1": a1, "a2": a2, "b1": b1, "c1": c1, "d1": d1}


def test_the_weekly_figures_of_the_hand_made_book(book):
    today = timezone.localdate()
    forecast = cash_forecast(as_of=today)
    weeks = {week.week: week for week in forecast.weeks}
    assert weeks[1].start == today + timedelta(days=1) and weeks[1].end == today + timedelta(days=7)
    got = {number: (week.behaviour, week.promised, week.disputed) for number, week in weeks.items()}
    assert got == {
        1: (D("0.00"), D("0.00"), D("0.00")),
        2: (D("1525.00"), D("300.00"), D("0.00")),  # A1 1,000 + C1 525; D's promise 300
        3: (D("950.00"), D("0.00"), D("0.00")),  # B1 300 + B2 150 + D1's rest 500
        4: (D("300.00"), D("0.00"), D("200.00")),  # A2 undisputed; its dispute apart
        5: (D("175.00"), D("0.00"), D("0.00")),  # C1's late quarter
        6: (D("0.00"), D("0.00"), D("0.00")),
        7: (D("0.00"), D("0.00"), D("0.00")),
        8: (D("150.00"), D("0.00"), D("0.00")),  # B1's and B2's late quarter
        **{n: (D("0.00"), D("0.00"), D("0.00")) for n in range(9, 14)},
    }
    assert weeks[2].expected == D("1825.00")
    # the range: ± 1.2816 σ, σ² the sum of the groups' a² p (1 − p)
    assert (weeks[2].low, weeks[2].high) == (
        D("1825.00") - spread(91875 + 90000),
        D("1825.00") + spread(91875 + 90000),
    )
    assert (weeks[3].low, weeks[3].high) == (D("950.00") - spread(67500), D("950.00") + spread(67500))
    assert (weeks[4].low, weeks[4].high) == (D("300.00"), D("300.00"))  # one date: no spread
    assert (weeks[8].low, weeks[8].high) == (D("0.00"), D("150.00") + spread(67500))  # never below 0
    assert [week.naive for week in forecast.weeks[:3]] == [D("2000.00"), D("1000.00"), D("600.00")]
    assert forecast.total.expected == D("3400.00")  # 3,600 open − 200 disputed
    assert forecast.later.expected == D("0.00")
    assert forecast.by_source == {
        "own": D("1600.00"),  # A1 1,000 + B1 400 + B2 200
        "portfolio": D("1500.00"),  # A2 300 + C1 700 + D1 500
        "later_than_seen": D("0.00"),
        "due_date": D("0.00"),
        "promise": D("300.00"),
    }
    (promise,) = forecast.promises
    assert (promise.counted, promise.kept_rate, promise.rate_source, promise.expected) == (
        D("600.00"),
        D("0.500"),
        "none",
        D("300.00"),
    )


def test_a_promise_counts_the_customers_kept_rate():
    """D kept three promises and broke one in the year: its next promise counts ¾."""
    with on_day(-100):
        customer = a_customer(payment_terms_days=30)
    settled_promises(customer, ((90, True), (70, True), (50, True), (30, False)))
    open_invoice = issued(customer, "400.00", due_in=20)
    services.promise_make(
        customer_id=customer.pk,
        invoice_ids=[open_invoice.pk],
        amount="200.00",
        promised_on=timezone.localdate() + timedelta(days=3),
    )
    (promise,) = cash_forecast(as_of=timezone.localdate()).promises
    assert (promise.kept_rate, promise.rate_source, promise.rate_settled) == (D("0.750"), "customer", 4)
    assert promise.expected == D("150.00")


def settled_promises(customer, keeps):
    for days_ago, keep in keeps:
        with on_day(-days_ago):
            invoice = an_invoice(customer, "100.00")
            services.promise_make(
                customer_id=customer.pk,
                invoice_ids=[invoice.pk],
                amount="100.00",
                promised_on=timezone.localdate() + timedelta(days=5),
            )
        if keep:
            with on_day(-days_ago + 3):
                pay(invoice, "100.00")
        with on_day(-days_ago + 6):
            services.promises_check()


def test_a_new_customers_promise_counts_its_collectors_rate_and_a_cancelled_one_nothing(make_user):
    """X has no settled promise; Y, with the same collector, kept 2 of 3: X's promise counts ⅔. A
    promise made 5 days ago and cancelled today counted until yesterday."""
    collector = make_user("finance")
    with on_day(-100):
        x, y = a_customer(payment_terms_days=30), a_customer(payment_terms_days=30)
    for customer in (x, y):
        services.collector_assign(customer_id=customer.pk, collector_id=collector.pk)
    settled_promises(y, ((90, True), (70, False), (50, True)))
    open_invoice = issued(x, "300.00", due_in=20)
    with on_day(-5):
        cancelled = services.promise_make(
            customer_id=x.pk, amount="50.00", promised_on=timezone.localdate() + timedelta(days=30)
        )
    services.promise_cancel(promise_id=cancelled.pk, reason="the customer asked for a plan")
    services.promise_make(
        customer_id=x.pk,
        invoice_ids=[open_invoice.pk],
        amount="150.00",
        promised_on=timezone.localdate() + timedelta(days=3),
    )
    (promise,) = cash_forecast(as_of=timezone.localdate()).promises
    assert (promise.kept_rate, promise.rate_source, promise.rate_settled) == (D("0.667"), "collector", 3)
    assert promise.expected == D("100.00")
    yesterday = cash_forecast(as_of=timezone.localdate() - timedelta(days=1))
    assert [p.promise_id for p in yesterday.promises] == [cancelled.pk]


def test_as_of_a_past_date_it_uses_nothing_that_happened_after():
    """The forecast made 20 days ago equals the one made today as of 20 days ago, although a
    payment, an invoice, a dispute and a promise came since."""
    with on_day(-260):
        a, b = a_customer(payment_terms_days=30), a_customer(payment_terms_days=30)
    paid_history(a, [3, 3, 3])
    paid_history(b, [-5, -5, -5, 30])
    x1 = issued(a, "1000.00", due_in=-10)
    x2 = issued(b, "400.00", due_in=0)
    with on_day(-20):
        then = cash_forecast(as_of=timezone.localdate())
    assert then.total.expected == D("1400.00")
    with on_day(-15):
        pay(x1, "1000.00")
    with on_day(-10):
        an_invoice(b, "300.00")
    with on_day(-5):
        pipeline.dispute_open(invoice_id=x2.pk, amount="100.00", reason="pricing", by=None)
        services.promise_make(
            customer_id=b.pk,
            invoice_ids=[x2.pk],
            amount="100.00",
            promised_on=timezone.localdate() + timedelta(days=3),
        )
    as_of = timezone.localdate() - timedelta(days=20)
    assert cash_forecast(as_of=as_of) == then
    now = cash_forecast(as_of=timezone.localdate())
    assert now.total != then.total and now.promises and now.total.disputed  # the later events count now


def test_the_forecast_costs_three_statements_however_big_the_book(book):
    with CaptureQueriesContext(connection) as small:
        cash_forecast(as_of=timezone.localdate())
    customer = a_customer(payment_terms_days=30)
    for _ in range(5):
        issued(customer, "50.00", due_in=3)
    with CaptureQueriesContext(connection) as bigger:
        cash_forecast(as_of=timezone.localdate())
    assert len(small) == len(bigger) == 3


def test_the_page_shows_the_chart_the_table_and_the_method(book, client, make_user):
    client.force_login(make_user("finance"))
    answer = client.get("/reports/cash-forecast/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'id="forecast-chart"' in page and 'id="forecast-range-chart"' in page
    assert 'data-testid="forecast-method"' in page and "kept in the last 12 months" in page
    assert "1,825.00" in page  # week 2
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/cash-forecast/")
    csv = client.get("/reports/cash-forecast/?format=csv")
    assert csv.status_code == 200
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("week,from,to,expected,low,high")
    assert lines[2].startswith("W2,") and ",1825.00," in lines[2]
    customer = a_customer(payment_terms_days=30)
    issued(customer, "50.00", due_in=3)
    with CaptureQueriesContext(connection) as again:
        client.get("/reports/cash-forecast/")
    assert len(again) == len(queries)
    assert client.get("/reports/cash-forecast/?as_of=9999-01-01").status_code == 400
    assert client.get("/reports/cash-forecast/?weeks=0").status_code == 400
    assert client.get("/reports/cash-forecast/?weeks=%D9%A3").status_code == 400
    assert client.get("/reports/cash-forecast/?as_of=%00").status_code == 400
    client.force_login(make_user("warehouse"))
    assert client.get("/reports/cash-forecast/").status_code == 403


def test_the_api(book, api_client_for):
    finance = api_client_for("finance")
    today = timezone.localdate().isoformat()
    answer = finance.get(f"/api/v1/reports/cash-forecast/?as_of={today}")
    assert answer.status_code == 200
    data = answer.json()
    assert len(data["weeks"]) == 13
    assert data["weeks"][1]["expected"] == "1825.00" and data["weeks"][1]["promised"] == "300.00"
    assert data["weeks"][3]["disputed"] == "200.00"
    assert data["promises"][0]["rate_source"] == "none" and data["method"]
    assert len(finance.get("/api/v1/reports/cash-forecast/?weeks=4").json()["weeks"]) == 4
    csv = finance.get(f"/api/v1/reports/cash-forecast/?as_of={today}&format=csv")
    assert csv.status_code == 200
    assert b"".join(csv.streaming_content).decode().startswith("week,from,to,expected")
    for bad in ("weeks=27", "weeks=x", "weeks=%D9%A3", "as_of=0001-01-01", "as_of=2026-02-30", "as_of=%00"):
        refused = finance.get(f"/api/v1/reports/cash-forecast/?{bad}")
        assert refused.status_code == 400, bad
        assert bad.split("=")[0] in refused.json(), bad
    assert api_client_for("sales").get("/api/v1/reports/cash-forecast/").status_code == 403
