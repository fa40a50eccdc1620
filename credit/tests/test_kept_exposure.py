"""The customer's kept exposure (decision 0050) equals the sums it stands for after any sequence
of the cycle's steps, and the repair command finds and mends a figure that drifted."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit.selectors import latest_decision, positions_checked
from customers.models import CustomerExposure
from invoicing.models import Invoice
from o2c import pipeline
from o2c.errors import DomainError
from orders.models import SalesOrder
from receivables.models import Payment
from tests.builders import a_customer, a_product, an_order, line, stock

STEPS = (
    "order",
    "order",
    "release",
    "reject",
    "cancel",
    "ship",
    "ship",
    "ship",
    "pay",
    "reverse",
    "credit_note",
    "write_off",
    "dispute",
)


SHIPPABLE = ("allocated", "partially_shipped")


def _nth(rows, k):
    rows = list(rows)
    return rows[k % len(rows)] if rows else None


def _step(step: str, k: int, *, customer, goods, service) -> None:
    orders = SalesOrder.objects.filter(customer=customer).order_by("pk")
    invoices = Invoice.objects.filter(customer=customer, balance__gt=0).order_by("pk")
    amount = Decimal(5 + k % 40)
    if step == "order":
        lines = [line(goods, str(1 + k % 3))] + ([line(service, "1")] if k % 2 else [])
        an_order(customer, *lines, submit=True)
    elif step in ("release", "reject") and (order := _nth(orders.filter(status="on_hold"), k)):
        action = pipeline.hold_release if step == "release" else pipeline.hold_reject
        action(order_id=order.pk, note="decided in the test", by=None)
    elif step == "cancel" and (order := _nth(orders.filter(status="open"), k)):
        pipeline.order_cancel(order_id=order.pk, reason="test", by=None)
    elif step == "ship" and (
        order := _nth(orders.filter(status="open", fulfillment_status__in=SHIPPABLE), k)
    ):
        goods_line = order.lines.get(is_stock=True)
        one = goods_line.quantity_reserved > 1 and k % 2
        part = {goods_line.pk: Decimal("1")} if one else None  # one unit, or all that is allocated
        shipment = pipeline.shipment_create(order_id=order.pk, lines=part, by=None)
        pipeline.shipment_pack(shipment_id=shipment.pk, by=None)
        pipeline.shipment_ship(shipment_id=shipment.pk, carrier="DHL", by=None)
    elif step == "pay":
        pipeline.payment_record(
            customer_id=customer.pk,
            amount=amount,
            received_on=timezone.localdate(),
            reference=f"p{k}",
            by=None,
        )
    elif step == "reverse" and (
        payment := _nth(Payment.objects.filter(customer=customer, reversed_on=None), k)
    ):
        pipeline.payment_reverse(payment_id=payment.pk, reason="bounced", by=None)
    elif step == "credit_note" and (invoice := _nth(invoices, k)):
        pipeline.credit_note_issue(
            invoice_id=invoice.pk,
            reason="goodwill",
            amount=min(amount, invoice.balance),
            confirm_unrelated=True,
            by=None,
        )
    elif step == "write_off" and (invoice := _nth(invoices, k)):
        pipeline.write_off(invoice_id=invoice.pk, amount=min(amount, invoice.balance), reason="test", by=None)
    elif step == "dispute" and (invoice := _nth(invoices, k)):
        pipeline.dispute_open(
            invoice_id=invoice.pk, amount=min(amount, invoice.balance), reason="damaged", by=None
        )


@pytest.mark.django_db
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 1000)), min_size=4, max_size=10),
    limit=st.sampled_from(["150.00", "400.00", None]),
)
def test_the_kept_exposure_equals_the_sums_after_any_sequence_of_steps(steps, limit):
    customer = a_customer(credit_limit=limit, payment_terms_days=0 if limit == "150.00" else 30)
    goods = a_product(price="19.99", tax_rate="19.00")
    service = a_product(price="33.33", tax_rate="7.00", kind="service", cost="0")
    stock(goods, "100")
    for step, k in [("order", 0), *steps]:
        with contextlib.suppress(DomainError):  # a refused step changes nothing (rolled back)
            _step(step, k, customer=customer, goods=goods, service=service)
        (check,) = positions_checked(customer_ids=[customer.pk])
        assert check.kept == check.summed, f"after {step} {k}"


@pytest.mark.django_db
def test_the_repair_command_finds_and_mends_a_drifted_figure():
    customer = a_customer(credit_limit=None)
    goods = a_product(price="10.00")
    stock(goods, "10")
    an_order(customer, line(goods, "2"), submit=True)
    call_command("credit_positions", "--customer", str(customer.pk))  # consistent: no error
    CustomerExposure.objects.filter(customer=customer).update(open_orders=Decimal("1.00"))
    with pytest.raises(CommandError, match="1 customers"):
        call_command("credit_positions")
    call_command("credit_positions", "--fix")
    assert CustomerExposure.objects.get(customer=customer).open_orders == Decimal("23.80")
    call_command("credit_positions")


@pytest.mark.django_db
def test_the_check_decides_on_the_kept_figures_without_the_order_itself():
    customer = a_customer(credit_limit="1000.00")
    goods = a_product(price="100.00", tax_rate="0.00")
    stock(goods, "20")
    assert an_order(customer, line(goods, "3"), submit=True).status == "open"
    held = an_order(customer, line(goods, "8"), submit=True)  # 300 + 800 > 1000
    assert held.status == "on_hold"
    decision = latest_decision(order_id=held.pk)
    assert (decision.open_orders, decision.exposure) == (Decimal("300.00"), Decimal("1100.00"))
    pipeline.hold_release(order_id=held.pk, note="known customer", by=None)
    released = latest_decision(order_id=held.pk)  # the order counts once, not twice
    assert (released.open_orders, released.exposure) == (Decimal("300.00"), Decimal("1100.00"))
    assert CustomerExposure.objects.get(customer=customer).open_orders == Decimal("1100.00")
