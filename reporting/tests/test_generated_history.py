"""On a generated history (random invoices, payments, applications, reversals, credit notes,
write-offs and disputes spread over two months, each on its own day), the aging total equals the
customers' control accounts (receivables 1100 + customer advances 2100) on every date, and each
customer's aging row equals its open-item rows summed up to that date."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.selectors import account_balance
from o2c import pipeline
from o2c.errors import DomainError
from receivables.cash.services import AllocationInput
from receivables.models import Payment, ReceivableEntry
from reporting.aging import aging_report
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
START = date(2026, 3, 1)
steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=59),  # day offset
        st.sampled_from(["invoice", "pay", "pay_late", "apply", "reverse", "credit", "write_off", "dispute"]),
        st.integers(min_value=0, max_value=2),  # customer
        st.decimals(min_value=Decimal("1.00"), max_value=Decimal("300.00"), places=2),
    ),
    min_size=8,
    max_size=25,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=steps)
def test_aging_equals_the_control_accounts_on_every_day(steps):
    try:
        with transaction.atomic():
            _check(steps)
            raise _Rollback
    except _Rollback:
        pass


def _check(steps):
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        customers = [a_customer(payment_terms_days=14) for _ in range(3)]
    invoices: list = []
    for offset, action, who, amount in sorted(steps, key=lambda step: step[0]):
        day = START + timedelta(days=offset)
        customer = customers[who]
        with time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False):
            try:
                with transaction.atomic():
                    _step(action, customer, amount, day, invoices)
            except DomainError:
                pass  # refused: nothing written
    assert len(invoices) == sum(1 for step in steps if step[1] == "invoice")  # the history was made
    day = START - timedelta(days=1)
    while day <= START + timedelta(days=62):
        report = aging_report(as_of=day)
        net = account_balance(key="receivables", as_of=day) + account_balance(
            key="customer_advances", as_of=day
        )
        assert report.totals.total == net, day
        for row in report.customers:
            rows = ReceivableEntry.objects.filter(customer_id=row.customer_id, entry_date__lte=day)
            assert row.total == sum((r.amount for r in rows), Decimal("0.00")), (day, row.code)
        day += timedelta(days=1)


def _step(action, customer, amount, day, invoices):
    mine = [invoice for invoice in invoices if invoice.customer_id == customer.pk]
    if action == "invoice":
        invoices.append(an_invoice(customer, str(amount)))
    elif action in ("pay", "pay_late"):
        received = day - timedelta(days=3) if action == "pay_late" else day  # keyed in late, dated earlier
        pipeline.payment_record(
            customer_id=customer.pk,
            amount=amount,
            reference="r",
            received_on=received,
            confirm_duplicate=True,
        )
    elif action == "apply" and mine:
        payment = Payment.objects.filter(customer=customer, unapplied_amount__gt=0, status="posted").first()
        if payment:
            invoice = mine[-1]
            invoice.refresh_from_db()
            part = min(payment.unapplied_amount, invoice.balance, amount)
            if part > 0:
                pipeline.payment_apply(payment_id=payment.pk, allocations=[AllocationInput(invoice.pk, part)])
    elif action == "reverse":
        payment = Payment.objects.filter(customer=customer, status="posted", amount_refunded=0).first()
        if payment:
            pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")
    elif action == "credit" and mine:
        pipeline.credit_note_issue(invoice_id=mine[0].pk, reason="goodwill", amount=amount, by=None)
    elif action == "write_off" and mine:
        pipeline.write_off(invoice_id=mine[-1].pk, amount=amount, reason="small", by=None)
    elif action == "dispute" and mine:
        pipeline.dispute_open(invoice_id=mine[0].pk, amount=amount, reason="quality", by=None)
