"""The aging rollup (receivables/open_items/models.py) against the ledger: for random histories
(invoices, payments dated in the past, credit notes, disputes opened and resolved, cash left
unapplied and applied later) the totals read from the rollup equal the totals summed from the
open-item rows, and the per-customer report's, on every date tried — before and after the
nightly compaction."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c import pipeline
from o2c.errors import DomainError
from receivables.models import OpenItemDay, OpenItemDueDay
from receivables.open_items.rollup import rollup_compact, rollup_rebuild
from reporting.aging import aging_report, aging_totals, aging_totals_from_ledger
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)
FIELDS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "disputed", "unapplied")

steps = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "invoice", "pay", "pay_back", "credit", "dispute", "resolve"]),
        st.integers(0, 150),  # the day, from START
        st.integers(1, 900),  # an amount in whole units
        st.integers(0, 1),  # which customer
    ),
    min_size=2,
    max_size=9,
)


def figures(row) -> tuple[Decimal, ...]:
    return tuple(getattr(row, name) for name in FIELDS)


def report_totals(as_of: date) -> tuple[Decimal, ...]:
    return figures(aging_report(as_of=as_of).totals)


def run(history: list[tuple[str, int, int, int]]) -> list:
    customers = [a_customer(payment_terms_days=14), a_customer(payment_terms_days=30)]
    invoices, disputes = [], []
    for kind, offset, amount, which in sorted(history, key=lambda step: step[1]):
        day = START + timedelta(days=offset)
        customer = customers[which]
        with time_machine.travel(
            datetime.combine(day, datetime.min.time(), UTC).replace(hour=12), tick=False
        ):
            try:
                if kind == "invoice":
                    invoices.append(an_invoice(customer, f"{amount}.00"))
                elif kind in ("pay", "pay_back"):  # pay_back: received 20 days before it is keyed in
                    received = day - timedelta(days=20 if kind == "pay_back" else 0)
                    pipeline.payment_record(
                        customer_id=customer.pk, amount=f"{amount}.00", reference="t", received_on=received
                    )
                elif kind == "credit" and invoices:
                    invoice = invoices[amount % len(invoices)]
                    pipeline.credit_note_issue(
                        invoice_id=invoice.pk, reason="price", amount=Decimal(amount) / 10, by=None
                    )
                elif kind == "dispute" and invoices:
                    invoice = invoices[amount % len(invoices)]
                    disputes.append(
                        pipeline.dispute_open(
                            invoice_id=invoice.pk, amount=f"{amount / 10:.2f}", reason="quality", by=None
                        )
                    )
                elif kind == "resolve" and disputes:
                    dispute = disputes.pop(amount % len(disputes))
                    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="rejected", by=None)
            except DomainError:
                pass  # a step the rules refuse (more than the balance, a closed dispute): skipped
    return [START + timedelta(days=k) for k in range(-1, 190, 10)]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps)
def test_the_rollup_totals_equal_the_ledger_totals_on_every_date(history):
    with transaction.atomic():
        dates = run(history)
        for compacted in (False, True):
            for as_of in dates:
                expected = aging_totals_from_ledger(as_of=as_of)
                assert figures(aging_totals(as_of=as_of)) == figures(expected), (as_of, compacted)
                assert report_totals(as_of) == figures(expected), (as_of, compacted)
            rollup_compact()
        transaction.set_rollback(True)


def test_compaction_and_rebuild_leave_one_row_per_key_and_the_same_sums():
    customer = a_customer(payment_terms_days=30)
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=UTC), tick=False):
        for _ in range(3):
            an_invoice(customer, "100.00")
        pipeline.payment_record(
            customer_id=customer.pk, amount="150.00", reference="t", received_on=date(2026, 3, 2)
        )
    as_of = date(2026, 3, 2)
    before = figures(aging_totals(as_of=as_of))
    assert OpenItemDueDay.objects.filter(due_date=date(2026, 4, 1), on_date=as_of).count() > 1
    rollup_compact()
    assert OpenItemDueDay.objects.filter(due_date=date(2026, 4, 1), on_date=as_of).count() == 1
    assert OpenItemDay.objects.filter(on_date=as_of).count() == 1
    assert figures(aging_totals(as_of=as_of)) == before
    rollup_compact()  # nothing left to merge
    rollup_rebuild()
    assert figures(aging_totals(as_of=as_of)) == before == figures(aging_totals_from_ledger(as_of=as_of))


def test_the_compaction_runs_nightly_before_the_kpi_snapshot():
    from django.conf import settings

    from receivables.open_items.tasks import aging_rollup_compact

    entry = settings.CELERY_BEAT_SCHEDULE["aging-rollup-compact"]
    assert entry["task"] == aging_rollup_compact.name
    snapshot = settings.CELERY_BEAT_SCHEDULE["kpi-snapshot-nightly"]["schedule"]
    compact = entry["schedule"]
    assert (min(compact.hour), min(compact.minute)) < (min(snapshot.hour), min(snapshot.minute))
    assert aging_rollup_compact.apply().get() == 0  # nothing to merge in an empty ledger
