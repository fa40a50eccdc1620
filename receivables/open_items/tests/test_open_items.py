"""The one table of aging buckets (receivables/open_items/selectors.py): every number of days past
due falls in exactly one bucket, and its three forms agree (Python, the SQL CASE, the ORM filters);
"disputed, capped at the balance" likewise. Then the statement's aging and the aging report agree
on the bucket edges, both being built from that table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, DateField, DecimalField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c import pipeline
from receivables.cash.services import AllocationInput
from receivables.open_items.selectors import (
    AGING_BUCKETS,
    BUCKETS,
    OVERDUE_BUCKETS,
    bucket_case,
    bucket_case_sql,
    bucket_of,
    disputed_capped,
    disputed_capped_amount,
    disputed_capped_sql,
    open_items_as_of,
)
from receivables.selectors import receivables_positions
from receivables.statements.selectors import statement_get
from reporting.aging import aging_invoices, aging_report
from tests.builders import a_customer, an_invoice

D = Decimal
EDGES = (0, 1, 30, 31, 60, 61, 90, 91)
EXPECTED_BUCKET = {
    0: "current",
    1: "days_1_30",
    30: "days_1_30",
    31: "days_31_60",
    60: "days_31_60",
    61: "days_61_90",
    90: "days_61_90",
    91: "days_over_90",
}
days_past_due = st.integers(min_value=-5000, max_value=5000)
on_db = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(days=days_past_due)
def test_every_number_of_days_falls_in_exactly_one_bucket(days):
    holding = [bucket.key for bucket in AGING_BUCKETS if bucket.contains(days_past_due=days)]
    assert holding == [bucket_of(days_past_due=days)]


def test_the_edges_of_the_buckets():
    assert BUCKETS == ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
    assert {days: bucket_of(days_past_due=days) for days in EDGES} == EXPECTED_BUCKET
    assert bucket_of(days_past_due=-400) == "current"  # not yet due


@pytest.mark.django_db
@on_db
@given(days=st.lists(days_past_due, min_size=1, max_size=40))
def test_the_sql_case_agrees_with_the_table(days):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d, {bucket_case_sql(days='d')} FROM unnest(%s::int[]) AS t(d)",
            [days],
        )
        found = dict(cursor.fetchall())
    assert found == {day: bucket_of(days_past_due=day) for day in days}


@pytest.mark.django_db
@on_db
@given(days=days_past_due, as_of=st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)))
def test_the_orm_filters_agree_with_the_table(days, as_of):
    """Each bucket's Q on the due date matches only the bucket the days fall in, as does the ORM
    CASE built from them (one row, its due date `days` before `as_of`)."""
    row = ContentType.objects.order_by("pk")[:1].values_list("pk", flat=True)
    due = Value(as_of - timedelta(days=days), output_field=DateField())
    matches = (
        ContentType.objects.filter(pk__in=list(row))
        .annotate(due_date=due)
        .aggregate(**{bucket.key: Count("pk", filter=bucket.q(as_of=as_of)) for bucket in AGING_BUCKETS})
    )
    bucket = bucket_of(days_past_due=days)
    assert matches == {key: int(key == bucket) for key in BUCKETS}
    keys = ContentType.objects.filter(pk__in=list(row)).annotate(
        due_date=due, bucket=bucket_case(as_of=as_of)
    )
    assert list(keys.values_list("bucket", flat=True)) == [bucket]


amounts = st.decimals(min_value=D("-1000.00"), max_value=D("1000.00"), places=2)


@pytest.mark.django_db
@on_db
@given(balance=amounts, disputed=st.one_of(st.none(), amounts.filter(lambda amount: amount >= 0)))
def test_the_disputed_cap_is_the_same_in_python_sql_and_the_orm(balance, disputed):
    expected = disputed_capped_amount(balance=balance, disputed=disputed if disputed is not None else D("0"))
    assert D("0") <= expected <= max(balance, D("0"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {disputed_capped_sql(balance='%s::numeric', disputed='%s::numeric')}",
            [balance, disputed],
        )
        assert cursor.fetchone()[0] == expected
    money = DecimalField(max_digits=18, decimal_places=2)
    capped = (
        ContentType.objects.order_by("pk")[:1]
        .annotate(
            capped=disputed_capped(
                balance=Value(balance, output_field=money), disputed=Value(disputed, output_field=money)
            )
        )
        .values_list("capped", flat=True)
    )
    assert list(capped) == [expected]


# ── the statement and the report on the bucket edges ────────────────────────────────────────────

AS_OF = date(2026, 6, 30)
TERMS = 30


def _on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.mark.django_db
def test_statement_aging_and_report_aging_agree_on_the_bucket_edges():
    """One invoice per edge, `days` past due on AS_OF, of (days + 1).00 so that each bucket's sum
    names its invoices."""
    with _on(AS_OF - timedelta(days=max(EDGES) + TERMS)):
        customer = a_customer(payment_terms_days=TERMS)
    for days in sorted(EDGES, reverse=True):
        with _on(AS_OF - timedelta(days=days + TERMS)):
            an_invoice(customer, f"{days + 1}.00")
    expected = {key: D("0.00") for key in BUCKETS}
    for days, key in EXPECTED_BUCKET.items():
        expected[key] += D(days + 1)

    statement = statement_get(customer=customer, period_from=date(2026, 1, 1), period_to=AS_OF)
    report = next(row for row in aging_report(as_of=AS_OF).customers if row.customer_id == customer.pk)
    assert {key: value for key, _, value in statement.aging.buckets()} == expected
    assert report.buckets() == expected

    by_invoice = {item.number: item.bucket for item in aging_invoices(as_of=AS_OF, customer_id=customer.pk)}
    by_selector = dict(open_items_as_of(as_of=AS_OF, customer=customer).values_list("number", "bucket"))
    assert by_invoice == by_selector
    assert sorted(by_invoice.values()) == sorted(EXPECTED_BUCKET.values())


@pytest.mark.django_db
def test_todays_positions_are_the_open_items_as_of_today():
    """The positions the credit check, the credit page and the customer API read (stored balances,
    disputes open now) equal the open items as of today: balance, disputed (capped: A2's dispute of
    150.00 is more than the 100.00 left) and overdue undisputed (the overdue buckets)."""
    today = date(2026, 6, 30)
    with _on(today - timedelta(days=75)):
        customer = a_customer(payment_terms_days=TERMS)
        a1 = an_invoice(customer, "400.00")
        a2 = an_invoice(customer, "250.00")
    with _on(today - timedelta(days=20)):
        pipeline.dispute_open(invoice_id=a1.pk, amount="120.00", reason="quality", by=None)
        pipeline.dispute_open(invoice_id=a2.pk, amount="150.00", reason="quality", by=None)
    with _on(today - timedelta(days=10)):
        pipeline.payment_record(
            customer_id=customer.pk,
            amount="150.00",
            reference="transfer",
            received_on=today - timedelta(days=10),
            allocations=[AllocationInput(a2.pk, D("150.00"))],
        )
    with _on(today - timedelta(days=5)):
        an_invoice(customer, "80.00")  # current
    with _on(today):
        position = receivables_positions(customer_ids=[customer.pk])[customer.pk]
        items = list(
            open_items_as_of(as_of=today, customer=customer).values(
                "balance_as_of", "disputed_as_of", "bucket"
            )
        )
    assert position.open_balance == sum(item["balance_as_of"] for item in items) == D("580.00")
    assert position.disputed == sum(item["disputed_as_of"] for item in items) == D("220.00")
    assert (
        position.overdue_undisputed
        == sum(
            item["balance_as_of"] - item["disputed_as_of"]
            for item in items
            if item["bucket"] in OVERDUE_BUCKETS
        )
        == D("280.00")
    )
