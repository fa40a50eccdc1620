"""Invoice statuses follow the amounts through Invoice.TRANSITIONS: each change writes an event
row with the actor and the document that caused it; the table covers every change the amounts
can make, and refuses the rest."""

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from invoicing.models import Invoice
from invoicing.services import _status
from o2c import pipeline
from o2c.errors import InvalidTransition
from o2c.states import transition
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db


def _moves(invoice):
    return [(e.event, e.from_status, e.to_status, e.actor, e.detail) for e in invoice.events.all()]


def test_payments_and_a_bounce_are_on_the_invoice_with_their_clerk(make_user):
    finance = make_user("finance")
    customer = a_customer()
    invoice = an_invoice(customer, "100.00")
    today = timezone.localdate()

    first = pipeline.payment_record(
        customer_id=customer.pk, amount="40.00", reference=invoice.number, received_on=today, by=finance
    )
    second = pipeline.payment_record(
        customer_id=customer.pk, amount="60.00", reference=invoice.number, received_on=today, by=finance
    )
    pipeline.payment_reverse(payment_id=second.pk, reason="returned by the bank", by=finance)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == ("partially_paid", Decimal("60.00"))
    assert _moves(invoice) == [
        ("partially_paid", "open", "partially_paid", finance, first.number),
        ("paid", "partially_paid", "paid", finance, second.number),
        ("payment_reversed", "paid", "partially_paid", finance, second.number),
    ]


def test_a_full_credit_note_credits_the_invoice_and_nothing_moves_it_after(make_user):
    finance = make_user("finance")
    invoice = an_invoice(a_customer(), "80.00")

    note = pipeline.credit_note_issue(invoice_id=invoice.pk, reason="wrong goods", by=finance)

    invoice.refresh_from_db()
    assert _moves(invoice) == [("credited", "open", "credited", finance, note.number)]
    for target in ["open", "partially_paid", "paid", "written_off"]:
        with pytest.raises(InvalidTransition) as refused:
            transition(invoice, target, by=finance)
        assert refused.value.status_code == 409
    invoice.refresh_from_db()
    assert invoice.status == "credited" and invoice.events.count() == 1


def test_a_partial_credit_note_keeps_the_status_and_writes_no_event(make_user):
    invoice = an_invoice(a_customer(), "80.00")
    pipeline.credit_note_issue(
        invoice_id=invoice.pk, reason="discount", amount="10.00", by=make_user("finance")
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.events.count()) == ("open", Decimal("70.00"), 0)


# What can happen to an invoice of 100.00, one step at a time: (kind, amount in cents).
_steps = st.lists(
    st.tuples(st.sampled_from(["pay", "bounce", "credit", "write_off"]), st.integers(1, 10_000)),
    max_size=12,
)


@given(steps=_steps)
def test_every_status_the_amounts_lead_to_is_in_the_table(steps):
    invoice = Invoice(total=Decimal("100.00"), balance=Decimal("100.00"), status="open")
    payments: list[Decimal] = []
    for kind, cents in steps:
        amount = min(Decimal(cents) / 100, invoice.balance)
        if kind == "bounce":
            if not payments:
                continue
            amount = payments.pop()
            invoice.amount_paid -= amount
            invoice.balance += amount
        elif amount <= 0:
            continue
        elif kind == "pay":
            payments.append(amount)
            invoice.amount_paid += amount
            invoice.balance -= amount
        elif kind == "credit":
            invoice.amount_credited += amount
            invoice.balance -= amount
        else:
            invoice.amount_written_off += amount
            invoice.balance -= amount
        status = _status(invoice)
        if status != invoice.status:
            assert (invoice.status, status) in Invoice.TRANSITIONS
            invoice.status = status
