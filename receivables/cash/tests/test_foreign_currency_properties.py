"""For random rates and amounts, a USD invoice paid in random parts at random rates (decision
0062): the base ledger balances, the books stay in step with the open items, the invoice's base
amount is relieved exactly once, and the exchange postings equal the base difference between
the cash received and the receivables it settled."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.rates.convert import to_base
from ledger.rates.services import exchange_rate_set
from ledger.selectors import account_balance, trial_balance
from o2c import pipeline
from receivables.cash.services import AllocationInput
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_order, line

pytestmark = pytest.mark.django_db
rates = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("50"), places=4)
prices = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("99999.99"), places=2)


class _Rollback(Exception):
    pass


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    price=prices,
    invoice_rate=rates,
    payment_rates=st.lists(rates, min_size=1, max_size=3),
    shares=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=3),
)
def test_fx_postings_equal_the_base_difference_and_the_books_balance(
    price, invoice_rate, payment_rates, shares
):
    try:
        with transaction.atomic():
            _scenario(price, invoice_rate, payment_rates, shares)
            raise _Rollback
    except _Rollback:
        pass


def _scenario(price, invoice_rate, payment_rates, shares):
    customer = a_customer(currency="USD", credit_limit=None)
    then = timezone.localdate() - timedelta(days=10)
    exchange_rate_set(currency="USD", rate=invoice_rate, valid_on=then)
    service = a_product(price=str(price), tax_rate="19.00", kind="service", cost="0")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        invoice = an_order(customer, line(service, "1"), submit=True).invoices.get()
    assert invoice.total_base == to_base(invoice.total, invoice.exchange_rate)
    received = Decimal("0.00")
    for day, (rate, share) in enumerate(zip(payment_rates, shares, strict=False), start=1):
        invoice.refresh_from_db()
        amount = (
            invoice.balance
            if day == min(len(payment_rates), len(shares))
            else ((invoice.balance * share / 10).quantize(Decimal("0.01")))
        )
        if amount <= 0:
            continue
        on = then + timedelta(days=day)
        exchange_rate_set(currency="USD", rate=rate, valid_on=on)
        with time_machine.travel(timezone.now() - timedelta(days=10 - day)):
            payment = pipeline.payment_record(
                customer_id=customer.pk,
                amount=str(amount),
                received_on=on,
                allocations=[AllocationInput(invoice.pk, amount)],
            )
        assert payment.amount_base == to_base(amount, rate)
        received += payment.amount_base
        assert trial_balance().balanced
    invoice.refresh_from_db()
    assert invoice.balance == 0 and invoice.balance_base == 0
    fx = -(account_balance(key="fx_gains") + account_balance(key="fx_losses"))
    assert fx == received - invoice.total_base  # what came in less what it settled, in base
    assert account_balance(key="receivables") == 0
    assert_books_in_step()
