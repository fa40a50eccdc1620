"""Credit reads: a customer's position (what it owes, what it has ordered, its headroom) and
the hold queue. The same figures the credit check decides on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from credit.models import CreditDecision
from o2c.money import ZERO_CENTS as ZERO
from orders.selectors import order_list, uninvoiced_order_values
from receivables.selectors import receivables_positions

if TYPE_CHECKING:
    from customers.models import Customer
    from orders.models import SalesOrder


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


def _latest_decision() -> QuerySet[CreditDecision]:
    return CreditDecision.objects.filter(order=OuterRef("pk")).order_by("-decided_at", "-pk")


# The annotations of `with_latest_decision` and the decision's fields they come from.
LATEST_DECISION_FIELDS = {
    "credit_decision_id": "pk",
    "credit_outcome": "outcome",
    "credit_reason": "reason",
    "credit_exposure": "exposure",
    "credit_limit_at_decision": "credit_limit",
}


def latest_decisions_set(orders: list[SalesOrder]) -> None:
    """Set on each of `orders` (a page of a list) the attributes `with_latest_decision` annotates,
    in one query: the annotation's subqueries run for every row the list sorts, before its LIMIT
    (five per order over the whole table), this only for the page."""
    decisions = {
        row["order_id"]: row
        for row in CreditDecision.objects.filter(order_id__in=[order.pk for order in orders])
        .order_by("order_id", "-decided_at", "-pk")
        .distinct("order_id")
        .values("order_id", *LATEST_DECISION_FIELDS.values())
    }
    for order in orders:
        decision = decisions.get(order.pk, {})
        for name, field in LATEST_DECISION_FIELDS.items():
            setattr(order, name, decision.get(field))


def with_latest_decision(orders: QuerySet[SalesOrder]) -> QuerySet[SalesOrder]:
    """Annotate each order with its latest decision's id, outcome, reason, exposure and limit."""
    latest = _latest_decision()
    return orders.annotate(
        credit_decision_id=Subquery(latest.values("pk")[:1]),
        credit_outcome=Subquery(latest.values("outcome")[:1]),
        credit_reason=Subquery(latest.values("reason")[:1]),
        credit_exposure=Subquery(latest.values("exposure")[:1]),
        credit_limit_at_decision=Subquery(latest.values("credit_limit")[:1]),
    )


def hold_queue() -> QuerySet[SalesOrder]:
    """Orders on hold, oldest first, with the decision that held them (its figures annotated too,
    so that the queue sorts by any of them)."""
    latest = _latest_decision()
    return (
        with_latest_decision(order_list(filters={"status": "on_hold"}))
        .annotate(
            credit_open_receivables=Subquery(latest.values("open_receivables")[:1]),
            credit_open_orders=Subquery(latest.values("open_orders")[:1]),
            credit_order_total=Subquery(latest.values("order_total")[:1]),
        )
        .order_by("submitted_at", "pk")
    )


def held_orders_with_figures(*, orders: Iterable[Any]) -> list[Any]:
    """Each held order with `decision`, `held_since` (date), `days_on_hold` and `over_limit_by`,
    the decisions read in one query."""
    orders = list(orders)
    decisions = decisions_by_id(decision_ids=[order.credit_decision_id for order in orders])
    today = timezone.localdate()
    for order in orders:
        order.decision = decisions.get(order.credit_decision_id)
        held_at = order.decision.decided_at if order.decision else order.submitted_at or order.created_at
        order.held_since = timezone.localdate(held_at)
        order.days_on_hold = (today - order.held_since).days
        limit = order.decision.credit_limit if order.decision else None
        over = order.decision.exposure - limit if order.decision and limit is not None else None
        order.over_limit_by = over if over is not None and over > 0 else None
    return orders


def decisions_by_id(*, decision_ids: list[int | None]) -> dict[int, CreditDecision]:
    """Decisions with their figures, in one query (the hold queue shows the one that held)."""
    ids = [pk for pk in decision_ids if pk]
    return CreditDecision.objects.in_bulk(ids) if ids else {}
