"""Credit reads: a customer's position (what it owes, what it has ordered, its headroom) and
the hold queue. The same figures the credit check decides on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from credit.models import CreditDecision
from customers.models import Customer
from o2c.money import ZERO_CENTS as ZERO
from orders.selectors import order_list, uninvoiced_order_values
from receivables.selectors import receivables_positions


@dataclass(frozen=True)
class CreditPosition:
    customer_id: int
    credit_limit: Decimal | None
    balance: Decimal  # open receivables
    overdue_amount: Decimal
    unapplied_cash: Decimal
    open_orders_value: Decimal  # approved, not yet invoiced
    exposure: Decimal  # balance + open orders

    @property
    def headroom(self) -> Decimal | None:
        """What can still be ordered before the limit; None when there is no limit."""
        return None if self.credit_limit is None else self.credit_limit - self.exposure


def customer_positions(
    *, customers: list[Customer], exclude_order_id: int | None = None
) -> dict[int, CreditPosition]:
    """Credit positions for many customers in a fixed number of queries."""
    ids = [customer.pk for customer in customers]
    receivables = receivables_positions(customer_ids=ids, grace_days=settings.O2C_CREDIT_GRACE_DAYS)
    orders = uninvoiced_order_values(customer_ids=ids, exclude_order_id=exclude_order_id)
    positions = {}
    for customer in customers:
        owed = receivables[customer.pk]
        open_orders = orders.get(customer.pk, ZERO)
        positions[customer.pk] = CreditPosition(
            customer_id=customer.pk,
            credit_limit=customer.credit_limit,
            balance=owed.open_balance,
            overdue_amount=owed.overdue_undisputed,
            unapplied_cash=owed.unapplied_cash,
            open_orders_value=open_orders,
            exposure=owed.open_balance + open_orders,
        )
    return positions


def customer_position(*, customer: Customer, exclude_order_id: int | None = None) -> CreditPosition:
    return customer_positions(customers=[customer], exclude_order_id=exclude_order_id)[customer.pk]


def latest_decision(*, order_id: int) -> CreditDecision | None:
    return CreditDecision.objects.filter(order_id=order_id).select_related("decided_by").first()


def with_latest_decision(orders: QuerySet) -> QuerySet:
    """Annotate each order with its latest decision's id, outcome, reason, exposure and limit."""
    latest = CreditDecision.objects.filter(order=OuterRef("pk")).order_by("-decided_at", "-pk")
    return orders.annotate(
        credit_decision_id=Subquery(latest.values("pk")[:1]),
        credit_outcome=Subquery(latest.values("outcome")[:1]),
        credit_reason=Subquery(latest.values("reason")[:1]),
        credit_exposure=Subquery(latest.values("exposure")[:1]),
        credit_limit_at_decision=Subquery(latest.values("credit_limit")[:1]),
    )


def hold_queue() -> QuerySet:
    """Orders on hold, oldest first, with the decision that held them."""
    return with_latest_decision(order_list(filters={"status": "on_hold"})).order_by("submitted_at", "pk")


def decisions_by_id(*, decision_ids: list[int | None]) -> dict[int, CreditDecision]:
    """Decisions with their figures, in one query (the hold queue shows the one that held)."""
    ids = [pk for pk in decision_ids if pk]
    return CreditDecision.objects.in_bulk(ids) if ids else {}
