"""The dunning run writes by batch (issue 14, decision 0069): its statements do not grow with the
customers it dunns; what it sends is what one customer at a time sent (the other tests of this
folder hold the rules); a batch that meets another run's notice falls back to one customer at a
time; blocking levels block each customer once, in the audit trail, with its event."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from receivables.dunning import services as dunning_services
from receivables.dunning.tests.builders import customer, go_to, overdue
from receivables.models import DunningNotice, DunningNoticeLine
from tests.builders import an_invoice
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def _buyers(count: int) -> list:
    buyers = [customer(code=f"B{k}", name=f"Buyer {k}") for k in range(count)]
    invoices = [an_invoice(buyer, "100.00") for buyer in buyers for _ in range(2)]
    return buyers, invoices


@pytest.mark.parametrize("count", [2, 6])
def test_a_runs_statements_do_not_grow_with_its_customers(clock, django_assert_max_num_queries, count):
    buyers, invoices = _buyers(count)
    go_to(clock, overdue(invoices[0], 45))  # the blocking level: every customer blocked too
    with django_assert_max_num_queries(30):
        run = dunning_services.dunning_run(by=None)
    assert run.notices_sent == count and run.customers_done == count
    assert DunningNoticeLine.objects.count() == 2 * count
    for buyer in buyers:
        buyer.refresh_from_db()
        assert buyer.blocked is True


def test_batches_split_the_customers_and_count_progress(clock, monkeypatch):
    monkeypatch.setattr(dunning_services, "BATCH_SIZE", 2)
    _, invoices = _buyers(5)
    go_to(clock, overdue(invoices[0], 3))
    run = dunning_services.dunning_run(by=None)
    assert (run.customers_total, run.customers_done, run.notices_sent) == (5, 5, 5)
    assert list(DunningNotice.objects.order_by("pk").values_list("customer__code", flat=True)) == [
        "B0",
        "B1",
        "B2",
        "B3",
        "B4",
    ]


def test_a_batch_meeting_another_runs_notice_is_done_one_customer_at_a_time(clock, monkeypatch):
    _, invoices = _buyers(3)
    go_to(clock, overdue(invoices[0], 3))
    write = dunning_services._notices_write
    calls = []

    def clashing(*, run, dues, customers):
        calls.append(len(dues))
        if len(calls) == 1:
            raise IntegrityError("another run wrote B1's notice")
        return write(run=run, dues=dues, customers=customers)

    monkeypatch.setattr(dunning_services, "_notices_write", clashing)
    run = dunning_services.dunning_run(by=None)
    assert calls == [3, 1, 1, 1]
    assert run.notices_sent == 3 and DunningNotice.objects.count() == 3


def test_webhooks_get_one_delivery_per_notice_and_blocked_customer(clock):
    WebhookEndpoint.objects.create(url="https://example.com/hook", events=["*"], secret="s" * 32)
    buyers, invoices = _buyers(2)
    go_to(clock, overdue(invoices[0], 45))
    told = WebhookDelivery.objects.filter(event_type__in=["customer.updated", "dunning.notice_sent"])
    assert not told.exists()
    dunning_services.dunning_run(by=None)
    assert (
        sorted(told.values_list("event_type", flat=True))
        == ["customer.updated"] * 2 + ["dunning.notice_sent"] * 2
    )
    assert {delivery.object_key for delivery in told.filter(event_type="customer.updated")} == {
        f"customers.customer:{buyer.pk}" for buyer in buyers
    }
