"""Promises to pay: kept when paid by the date, broken the day after otherwise (told as
`promise.broken`), cancelled by finance; while open, their invoices get no reminder. Activities:
a customer's calls, e-mails and notes. Amounts worked by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from o2c import pipeline
from o2c.errors import DomainError, InvalidTransition
from o2c.events import event_listen
from receivables.collections import services
from receivables.collections.models import Promise
from receivables.collections.tests.clock import on_day
from receivables.dunning.selectors import dunning_preview
from receivables.models import DunningLevel
from tests.builders import a_customer, an_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def pay(customer, amount, *, invoice=None, on=None):
    from receivables.cash.services import AllocationInput

    return pipeline.payment_record(
        customer_id=customer.pk,
        amount=amount,
        reference="",
        received_on=on or timezone.localdate(),
        allocations=None if invoice is None else [AllocationInput(invoice_id=invoice.pk, amount=D(amount))],
    )


@pytest.fixture
def broken_events():
    seen = []
    event_listen("promise.broken", seen.append)
    yield seen
    from o2c import events

    events._listeners["promise.broken"].remove(seen.append)


def days(n):
    return timezone.localdate() + timedelta(days=n)


def test_a_promise_paid_in_full_by_its_date_is_kept():
    customer = a_customer()
    first, second = an_invoice(customer, "300.00"), an_invoice(customer, "200.00")
    promise = services.promise_make(
        customer_id=customer.pk, invoice_ids=[first.pk, second.pk], amount="400.00", promised_on=days(5)
    )
    pay(customer, "250.00", invoice=first)
    assert services.promises_check() == services.PromisesChecked(kept=0, broken=0)  # 250 of 400, still time
    pay(customer, "150.00", invoice=second)
    assert services.promises_check() == services.PromisesChecked(kept=1, broken=0)
    promise.refresh_from_db()
    assert (promise.status, promise.paid, promise.settled_on) == ("kept", D("400.00"), timezone.localdate())
    assert [e.to_status for e in promise.events.all()] == ["", "kept"]


def test_a_promise_short_of_its_amount_is_broken_the_day_after_and_told(broken_events):
    customer = a_customer()
    invoice = an_invoice(customer, "500.00")
    promise = services.promise_make(
        customer_id=customer.pk, invoice_ids=[invoice.pk], amount="500.00", promised_on=days(3)
    )
    pay(customer, "120.00", invoice=invoice)
    with on_day(3):
        assert services.promises_check().broken == 0  # on its date it still may be paid
    with on_day(4):
        assert services.promises_check() == services.PromisesChecked(kept=0, broken=1)
        assert services.promises_check() == services.PromisesChecked(kept=0, broken=0)  # once
    promise.refresh_from_db()
    assert (promise.status, promise.paid) == ("broken", D("120.00"))
    assert [event.subject.pk for event in broken_events] == [promise.pk]


def test_payments_after_the_date_or_before_the_promise_do_not_count():
    customer = a_customer()
    invoice = an_invoice(customer, "500.00")
    pay(customer, "100.00", invoice=invoice)  # before the promise: not towards it
    promise = services.promise_make(
        customer_id=customer.pk, invoice_ids=[invoice.pk], amount="400.00", promised_on=days(2)
    )
    with on_day(3):
        pay(customer, "400.00", invoice=invoice)  # a day late
        assert services.promises_check().broken == 1
    promise.refresh_from_db()
    assert promise.paid == D("0.00")


def test_a_promise_on_the_account_counts_the_payments_received():
    customer = a_customer()
    an_invoice(customer, "100.00"), an_invoice(customer, "100.00")
    promise = services.promise_make(customer_id=customer.pk, amount="150.00", promised_on=days(1))
    pay(customer, "90.00")
    pay(customer, "60.00")
    assert services.promises_check().kept == 1
    promise.refresh_from_db()
    assert promise.paid == D("150.00")


def test_an_open_promise_pauses_the_reminders_of_its_invoices_only():
    DunningLevel.objects.update(active=False)
    DunningLevel.objects.filter(pk=DunningLevel.objects.order_by("days_overdue").first().pk).update(
        active=True
    )
    customer = a_customer(payment_terms_days=0)
    with on_day(-60):
        promised, other = an_invoice(customer, "100.00"), an_invoice(customer, "70.00")
    reminded = lambda: {i.number for n in dunning_preview(as_of=timezone.localdate()) for i in n.invoices}  # noqa: E731
    assert reminded() == {promised.number, other.number}
    promise = services.promise_make(
        customer_id=customer.pk, invoice_ids=[promised.pk], amount="100.00", promised_on=days(7)
    )
    assert reminded() == {other.number}
    services.promise_cancel(promise_id=promise.pk, reason="customer changed its mind")
    assert reminded() == {promised.number, other.number}  # resumed


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"promised_on": -1}, "promised_on", "promise_date_in_past"),
        ({"promised_on": 400}, "promised_on", "promise_date_too_far"),
        ({"amount": "300.01"}, "amount", "promise_exceeds_open"),
        ({"amount": "0.00"}, "amount", None),
    ],
)
def test_a_promise_is_refused_naming_the_field(change, field, code):
    customer = a_customer()
    invoice = an_invoice(customer, "300.00")
    kwargs = {
        "customer_id": customer.pk,
        "invoice_ids": [invoice.pk],
        "amount": "100.00",
        "promised_on": days(3),
    }
    kwargs |= {k: days(v) if k == "promised_on" else v for k, v in change.items()}
    with pytest.raises(DomainError) as refused:
        services.promise_make(**kwargs)
    assert refused.value.field == field
    assert code is None or refused.value.code == code
    assert not Promise.objects.exists()


def test_a_promise_names_only_open_invoices_of_its_customer():
    customer, stranger = a_customer(), a_customer()
    paid, foreign = an_invoice(customer, "50.00"), an_invoice(stranger, "50.00")
    pay(customer, "50.00", invoice=paid)
    for invoice in (paid, foreign):
        with pytest.raises(DomainError) as refused:
            services.promise_make(
                customer_id=customer.pk, invoice_ids=[invoice.pk], amount="10.00", promised_on=days(1)
            )
        assert (refused.value.field, refused.value.code) == ("invoices", "invoice_not_open")


def test_a_settled_promise_cannot_be_cancelled():
    customer = a_customer()
    invoice = an_invoice(customer, "80.00")
    promise = services.promise_make(
        customer_id=customer.pk, invoice_ids=[invoice.pk], amount="80.00", promised_on=days(1)
    )
    pay(customer, "80.00", invoice=invoice)
    services.promises_check()
    with pytest.raises(InvalidTransition):
        services.promise_cancel(promise_id=promise.pk)


def test_activities_with_a_follow_up_from_today():
    customer = a_customer()
    activity = services.activity_log(
        customer_id=customer.pk, kind="call", note="will pay Friday", follow_up_on=days(0)
    )
    assert (activity.kind, activity.follow_up_on) == ("call", timezone.localdate())
    with pytest.raises(DomainError) as refused:
        services.activity_log(customer_id=customer.pk, kind="call", note="x", follow_up_on=days(-1))
    assert (refused.value.field, refused.value.code) == ("follow_up_on", "follow_up_in_past")
    with pytest.raises(DomainError) as refused:
        services.activity_log(customer_id=customer.pk, kind="note", note="   ")
    assert refused.value.field == "note"
