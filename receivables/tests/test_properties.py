"""Property-based (stateful) test of the cash books: any sequence of invoices, payments (automatic
or explicit), applications, reversals, refunds, credit notes, write-offs and disputes keeps every
balance ≥ 0, allocations within what the invoices were, and the ledger in step with the open-item
subledger (tests/books.py), and the customer's net position equals a model kept in Python."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from o2c import pipeline
from o2c.errors import DomainError
from receivables.cash.services import AllocationInput
from receivables.models import ReceivableEntry
from tests.books import assert_books_in_step
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)


class _Rollback(Exception):
    pass


class CashBooks(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    payments = Bundle("payments")

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # each run starts from the same database, rolled back in teardown
        self.owed = Decimal("0.00")  # the model: what the customer owes net of unapplied cash
        self.refusals = 0

    @initialize()
    def customer(self):
        self.customer = a_customer()

    def teardown(self):
        self._atomic.__exit__(_Rollback, _Rollback(), None)

    def _try(self, step):
        """Run a step in a savepoint; a refusal (DomainError/Conflict) must leave nothing."""
        try:
            with transaction.atomic():
                return step()
        except DomainError:
            self.refusals += 1
            return None

    @rule(target=invoices, amount=amounts)
    def invoice(self, amount):
        invoice = an_invoice(self.customer, str(amount))
        self.owed += amount
        return invoice.pk

    @rule(target=payments, amount=amounts, name_invoice=st.booleans(), invoice=st.none() | invoices)
    def pay_automatically(self, amount, name_invoice, invoice):
        from invoicing.models import Invoice

        reference = Invoice.objects.get(pk=invoice).number if (invoice and name_invoice) else "transfer"
        payment = self._try(
            lambda: pipeline.payment_record(
                customer_id=self.customer.pk,
                amount=amount,
                reference=reference,
                received_on=timezone.localdate(),
                confirm_duplicate=True,
            )
        )
        if payment:
            self.owed -= amount
            return payment.pk
        return None

    @rule(target=payments, invoice=invoices, amount=amounts, extra=amounts)
    def pay_explicitly(self, invoice, amount, extra):
        payment = self._try(
            lambda: pipeline.payment_record(
                customer_id=self.customer.pk,
                amount=amount + extra,
                reference="explicit",
                received_on=timezone.localdate(),
                confirm_duplicate=True,
                allocations=[AllocationInput(invoice_id=invoice, amount=amount)],
            )
        )
        if payment:
            self.owed -= amount + extra
            return payment.pk
        return None

    @rule(payment=payments, invoice=invoices, amount=amounts)
    def apply(self, payment, invoice, amount):
        if payment:
            self._try(
                lambda: pipeline.payment_apply(
                    payment_id=payment, allocations=[AllocationInput(invoice_id=invoice, amount=amount)]
                )
            )

    @rule(payment=payments)
    def reverse(self, payment):
        from receivables.models import Payment

        if payment and self._try(lambda: pipeline.payment_reverse(payment_id=payment, reason="bounced")):
            self.owed += Payment.objects.get(pk=payment).amount

    @rule(payment=payments, amount=amounts)
    def refund(self, payment, amount):
        if payment and self._try(
            lambda: pipeline.payment_refund(payment_id=payment, amount=amount, reason="r")
        ):
            self.owed += amount

    @rule(invoice=invoices, amount=amounts)
    def credit(self, invoice, amount):
        """Beyond what is open, up to what was paid: the rest goes back to the payments as
        unapplied cash (decision 0063), so the customer's net position falls by all of it."""
        if self._try(
            lambda: pipeline.credit_note_issue(invoice_id=invoice, reason="goodwill", amount=amount, by=None)
        ):
            self.owed -= amount

    @rule(invoice=invoices, amount=amounts)
    def write_off(self, invoice, amount):
        if self._try(lambda: pipeline.write_off(invoice_id=invoice, amount=amount, reason="bad", by=None)):
            self.owed -= amount

    @rule(invoice=invoices, amount=amounts, outcome=st.sampled_from(["credit_note", "rejected", "withdrawn"]))
    def dispute(self, invoice, amount, outcome):
        dispute = self._try(
            lambda: pipeline.dispute_open(invoice_id=invoice, amount=amount, reason="quality", by=None)
        )
        if dispute:
            creditable = dispute.invoice.creditable  # open plus paid (decision 0063)
            self._try(lambda: pipeline.dispute_resolve(dispute_id=dispute.pk, outcome=outcome, by=None))
            if outcome == "credit_note":
                self.owed -= min(dispute.amount, creditable)

    @invariant()
    def books_in_step(self):
        assert_books_in_step()
        if hasattr(self, "customer"):
            rows = ReceivableEntry.objects.filter(customer=self.customer)
            assert sum((row.amount for row in rows), Decimal("0.00")) == self.owed


def test_any_sequence_keeps_the_cash_books_in_step():
    run_state_machine_as_test(
        CashBooks,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
