"""Direct-debit runs racing, on PostgreSQL with real threads: two runs made at once never collect
an invoice twice (one collects, the other finds nothing left), a run racing a revocation of its
mandate either collects before it or not at all, and the partial unique constraint refuses a
second pending collection of an invoice even past the service."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from o2c.errors import DomainError
from receivables.directdebit import services
from receivables.directdebit.tests.builders import IBANS, a_customer_with_mandate, a_run
from receivables.models import DirectDebitItem, DirectDebitRun
from tests.books import assert_books_in_step
from tests.builders import an_invoice
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
REPETITIONS = 4


def test_two_runs_at_once_collect_each_invoice_once():
    for _ in range(REPETITIONS):
        invoices = []
        for iban in IBANS[:3]:
            customer, _ = a_customer_with_mandate(iban)
            invoices += [an_invoice(customer, "10.00"), an_invoice(customer, "20.00")]
        results = run_concurrently(lambda index: a_run(), 3)
        made = [r for r in results if isinstance(r, DirectDebitRun)]
        refused = [r for r in results if isinstance(r, DomainError)]
        assert len(made) == 1 and len(refused) == 2, results
        assert all(r.code == "nothing_to_collect" for r in refused)
        collected = list(
            DirectDebitItem.objects.filter(invoice__in=invoices).values_list("invoice_id", flat=True)
        )
        assert sorted(collected) == sorted(i.pk for i in invoices)  # each once
        assert made[0].total == D("90.00") and made[0].items_count == 6
    assert_books_in_step()


def test_a_run_racing_the_revocation_of_its_mandate():
    for _ in range(REPETITIONS):
        customer, mandate = a_customer_with_mandate()
        invoice = an_invoice(customer, "10.00")

        def act(index: int, mandate=mandate):
            if index == 0:
                return a_run()
            return services.mandate_revoke(mandate_id=mandate.pk, reason="withdrawn by the customer")

        results = run_concurrently(act, 2)
        assert not isinstance(results[1], Exception), results
        item = DirectDebitItem.objects.filter(invoice=invoice).first()
        if isinstance(
            results[0], DirectDebitRun
        ):  # the run went first: collected on the mandate still active
            assert item is not None and item.mandate_id == mandate.pk
        else:  # the revocation went first: nothing collected
            assert isinstance(results[0], DomainError) and item is None


def test_the_constraint_refuses_a_second_pending_collection():
    customer, _ = a_customer_with_mandate()
    an_invoice(customer, "10.00")
    item = a_run().items.get()
    twin = DirectDebitItem(
        run=item.run,
        invoice=item.invoice,
        customer=item.customer,
        mandate=item.mandate,
        amount=item.amount,
        currency="EUR",
        sequence="RCUR",
        end_to_end_id=f"{item.end_to_end_id}X",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
