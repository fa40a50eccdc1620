"""Payments: allocation rules, duplicates, reversal, refunds, write-offs, disputes and the credit
re-check, through the pipeline steps."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from o2c import pipeline
from o2c.errors import Conflict, DomainError
from receivables.cash.allocation import OpenInvoice, allocation_propose, referenced
from receivables.cash.services import AllocationInput
from receivables.models import Payment
from tests.books import assert_books_in_step
from tests.builders import a_customer, a_product, an_invoice, an_order, line

pytestmark = pytest.mark.django_db
D = Decimal


def pay(customer, amount, reference="", allocations=None, **kwargs):
    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        reference=reference,
        received_on=kwargs.pop("received_on", timezone.localdate()),
        allocations=allocations,
        **kwargs,
    )


def test_the_referenced_invoice_comes_first_then_the_oldest_due():
    customer = a_customer()
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        oldest = an_invoice(customer, "100.00")
    middle = an_invoice(customer, "100.00")
    named = an_invoice(customer, "100.00")
    payment = pay(customer, "150.00", reference=f"pay {named.number.lower()}")
    applied = {a.invoice_id: a.amount for a in payment.allocations.all()}
    assert applied == {named.pk: D("100.00"), oldest.pk: D("50.00")}
    assert middle.pk not in applied
    assert_books_in_step()


def test_an_overpayment_leaves_unapplied_cash_applicable_and_refundable_later():
    customer = a_customer()
    payment = pay(customer, "80.00")  # nothing to pay yet
    assert (payment.amount_applied, payment.unapplied_amount) == (D("0"), D("80.00"))
    invoice = an_invoice(customer, "50.00")
    pipeline.payment_apply(
        payment_id=payment.pk, allocations=[AllocationInput(invoice_id=invoice.pk, amount=D("50.00"))]
    )
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.unapplied_amount == D("30.00") and invoice.status == "paid"
    with pytest.raises(Conflict, match=r"only 30\.00"):
        pipeline.payment_refund(payment_id=payment.pk, amount="31.00", reason="customer asked")
    pipeline.payment_refund(payment_id=payment.pk, amount="30.00", reason="customer asked")
    payment.refresh_from_db()
    assert (payment.unapplied_amount, payment.amount_refunded) == (D("0"), D("30.00"))
    assert_books_in_step()
    with pytest.raises(Conflict, match="refunded"):
        pipeline.payment_reverse(payment_id=payment.pk, reason="bounced")


def test_an_allocation_never_exceeds_the_balance_and_nothing_is_saved():
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    with pytest.raises(Conflict, match=r"exceeds the 100\.00 open"):
        pay(customer, "150.00", allocations=[AllocationInput(invoice.pk, D("100.01"))])
    with pytest.raises(DomainError, match="allocated but the payment is"):
        pay(customer, "50.00", allocations=[AllocationInput(invoice.pk, D("60.00"))])
    other = an_invoice(a_customer(), "10.00")
    with pytest.raises(DomainError, match="is not an invoice of"):
        pay(customer, "10.00", allocations=[AllocationInput(other.pk, D("10.00"))])
    assert Payment.objects.count() == 0
    assert_books_in_step()


@pytest.mark.parametrize(
    ("amount", "field"),
    [("0", "amount"), ("-5", "amount"), ("1.005", "amount"), ("abc", "amount"), ("1e20", "amount")],
)
def test_bad_amounts_name_the_field(amount, field):
    customer = a_customer()
    with pytest.raises(DomainError) as error:
        pay(customer, amount)
    assert error.value.field == field
    assert Payment.objects.count() == 0


def test_future_dates_unknown_methods_and_foreign_currencies_are_refused():
    customer = a_customer()
    with pytest.raises(DomainError) as error:
        pay(customer, "10.00", received_on=timezone.localdate() + timedelta(days=1))
    assert error.value.field == "received_on"
    with pytest.raises(DomainError) as error:
        pay(customer, "10.00", method="bitcoin")
    assert error.value.field == "method"
    with pytest.raises(DomainError) as error:
        pay(customer, "10.00", currency="USD")
    assert error.value.field == "currency"


def test_a_repeated_payment_is_refused_unless_confirmed():
    customer = a_customer()
    an_invoice(customer, "500.00")
    pay(customer, "100.00", reference="TRX-1")
    with pytest.raises(DomainError) as error:
        pay(customer, "100.00", reference="trx-1 ")
    assert error.value.field == "confirm_duplicate" and "already records" in error.value.message
    pay(customer, "100.00", reference="TRX-1", confirm_duplicate=True)
    pay(customer, "100.00", reference="TRX-2")  # another reference is another payment
    assert Payment.objects.count() == 3


def test_a_reversed_payment_reopens_its_invoices_and_its_postings_are_undone():
    customer = a_customer()
    first, second = an_invoice(customer, "60.00"), an_invoice(customer, "60.00")
    payment = pay(customer, "100.00")
    pipeline.payment_reverse(payment_id=payment.pk, reason="returned unpaid")
    first.refresh_from_db()
    second.refresh_from_db()
    payment.refresh_from_db()
    assert (first.balance, first.status, second.balance, second.status) == (
        D("60.00"),
        "open",
        D("60.00"),
        "open",
    )
    assert payment.status == "reversed" and all(a.reversed_on for a in payment.allocations.all())
    assert_books_in_step()
    with pytest.raises(Conflict, match="already reversed"):
        pipeline.payment_reverse(payment_id=payment.pk, reason="again")


def test_write_offs_and_disputes_are_bounded_by_the_balance():
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    pipeline.dispute_open(invoice_id=invoice.pk, amount="70.00", reason="quality", by=None)
    with pytest.raises(Conflict, match="not already in dispute"):
        pipeline.dispute_open(invoice_id=invoice.pk, amount="30.01", reason="quality", by=None)
    with pytest.raises(DomainError) as error:
        pipeline.dispute_open(invoice_id=invoice.pk, amount="1.00", reason="because", by=None)
    assert error.value.field == "reason"
    with pytest.raises(Conflict):
        pipeline.write_off(invoice_id=invoice.pk, amount="100.01", reason="gone", by=None)
    pipeline.write_off(invoice_id=invoice.pk, amount="100.00", reason="customer insolvent", by=None)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.amount_written_off) == (
        "written_off",
        D("0"),
        D("100.00"),
    )
    assert_books_in_step()


def test_auto_allocation_pays_the_undisputed_part_first():
    customer = a_customer()
    disputed = an_invoice(customer, "100.00")
    pipeline.dispute_open(invoice_id=disputed.pk, amount="100.00", reason="not_received", by=None)
    clean = an_invoice(customer, "100.00")
    payment = pay(customer, "120.00")
    assert {a.invoice_id: a.amount for a in payment.allocations.all()} == {clean.pk: D("100.00")}
    assert payment.unapplied_amount == D("20.00")


def test_a_rejected_or_withdrawn_dispute_changes_no_money():
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    dispute = pipeline.dispute_open(invoice_id=invoice.pk, amount="40.00", reason="pricing", by=None)
    pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="rejected", note="price as agreed", by=None)
    dispute.refresh_from_db()
    invoice.refresh_from_db()
    assert dispute.status == "rejected" and dispute.resolved_on and invoice.balance == D("100.00")
    with pytest.raises(Conflict, match="already rejected"):
        pipeline.dispute_resolve(dispute_id=dispute.pk, outcome="withdrawn", by=None)
    with pytest.raises(DomainError) as error:
        other = pipeline.dispute_open(invoice_id=invoice.pk, amount="1.00", reason="pricing", by=None)
        pipeline.dispute_resolve(dispute_id=other.pk, outcome="forgotten", by=None)
    assert error.value.field == "outcome"


def test_a_payment_releases_held_orders_of_the_customer():
    customer = a_customer(credit_limit="150.00")
    an_invoice(customer, "100.00")
    widget = a_product(price="100.00", tax_rate="0.00", kind="service")
    held = an_order(customer, line(widget, "1"), submit=True)
    held.refresh_from_db()
    assert held.status == "on_hold"  # 100 open + 100 ordered > 150
    pay(customer, "100.00")
    held.refresh_from_db()
    assert held.status in ("open", "fulfilled")


def test_an_overdue_invoice_holds_new_orders_until_paid():
    customer = a_customer()
    with time_machine.travel(timezone.now() - timedelta(days=60)):
        an_invoice(customer, "100.00")
    widget = a_product(price="10.00", tax_rate="0.00", kind="service")
    held = an_order(customer, line(widget, "1"), submit=True)
    held.refresh_from_db()
    assert held.status == "on_hold" and "overdue" in held.credit_decisions.first().reason
    pay(customer, "100.00")
    held.refresh_from_db()
    assert held.status != "on_hold"


def test_reference_matching_ignores_case_and_separators():
    assert referenced("INV-2026-000012", "Inv 2026-000012 thanks")
    assert referenced("INV-2026-000012", "INV2026000012")
    assert not referenced("INV-2026-000012", "INV-2026-000013")
    assert not referenced("INV-2026-000012", "")
    invoices = [
        OpenInvoice(1, "INV-2026-000001", "2026-01-10", "2026-01-01", D("10.00")),
        OpenInvoice(2, "INV-2026-000002", "2026-01-05", "2026-01-01", D("10.00"), disputed=D("4.00")),
    ]
    assert allocation_propose(invoices=invoices, amount=D("100"), reference="") == [
        (2, D("6.00")),
        (1, D("10.00")),
    ]
    assert allocation_propose(invoices=invoices, amount=D("12"), reference="INV-2026-000002") == [
        (2, D("10.00")),
        (1, D("2.00")),
    ]


def test_cash_received_before_the_invoice_is_applied_on_the_invoice_date():
    """A payment recorded late, dated before the invoice it pays: unapplied until the invoice
    date, so no date shows a negative invoice balance, and both control accounts agree daily."""
    from ledger.selectors import account_balance
    from receivables.selectors import invoice_ledger_balances, unapplied_cash_ledger

    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    before = invoice.issue_date - timedelta(days=5)
    payment = pay(
        customer, "100.00", received_on=before, allocations=[AllocationInput(invoice.pk, D("100.00"))]
    )
    allocation = payment.allocations.get()
    assert allocation.applied_on == invoice.issue_date and payment.last_movement_on == invoice.issue_date
    day_before = invoice.issue_date - timedelta(days=1)
    assert invoice_ledger_balances(invoice_ids=[invoice.pk], as_of=day_before) == {}
    assert unapplied_cash_ledger(customer_ids=[customer.pk], as_of=day_before) == D("100.00")
    assert -account_balance(key="customer_advances", as_of=day_before) == D("100.00")
    assert account_balance(key="receivables", as_of=day_before) == D("0.00")
    assert account_balance(key="receivables") == D("0.00") and account_balance(key="customer_advances") == 0
    assert_books_in_step()
