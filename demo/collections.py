"""Demo data of the collector's day (issue 16), seeded through the collections services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from receivables.collections import services as collections
from receivables.collections.selectors import activity_list


def seed_collections() -> None:
    """The collector's day: finance collects from C0003 and C0005, called C0003 yesterday (a
    follow-up due today puts it on the worklist), and C0005 promised to pay its maintenance
    invoice in a week (its reminders wait). Runs once (any activity?). Every customer's risk score
    is stored (as the nightly task does), so the customer pages, the hold queue and the worklist
    show one from the start."""
    collections.risk_scores_refresh()  # safe to repeat
    if activity_list().exists():
        return
    finance = get_user_model().objects.get(username="finance")
    customers = {customer.code: customer for customer in customer_list().filter(code__in=["C0003", "C0005"])}
    if len(customers) < 2:
        return
    for customer in customers.values():
        collections.collector_assign(customer_id=customer.pk, collector_id=finance.pk, by=finance)
    collections.activity_log(
        customer_id=customers["C0003"].pk,
        kind="call",
        note="Spoke to accounts payable: the rest of the maintenance contract is in their next run.",
        follow_up_on=timezone.localdate(),
        by=finance,
    )
    open_invoice = (
        invoice_rows().filter(customer_id=customers["C0005"].pk, balance__gt=0).order_by("pk").first()
    )
    if open_invoice is not None:
        collections.promise_make(
            customer_id=customers["C0005"].pk,
            invoice_ids=[open_invoice.pk],
            amount=open_invoice.balance,
            promised_on=timezone.localdate() + timedelta(days=7),
            note="Promised by the owner on the phone",
            by=finance,
        )
