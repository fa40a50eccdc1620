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

from credit.models import CreditDecision, CreditSettings
from customers.selectors import customer_ids_all, exposures_kept, exposures_kept_with
from o2c.money import ZERO_CENTS as ZERO
from orders.selectors import order_exposure, order_list, uninvoiced_order_values
from receivables.collections.selectors import risk_annotations
from receivables.selectors import overdue_undisputed_subquery, receivables_positions

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


def customer_positions(*, customers: list[Customer]) -> dict[int, CreditPosition]:
    """Credit positions for many customers in a fixed number of queries: the balance and the
    open orders value as kept (decision 0050), overdue, unapplied and disputed from the open items."""
    ids = [customer.pk for customer in customers]
    receivables = receivables_positions(customer_ids=ids, grace_days=settings.O2C_CREDIT_GRACE_DAYS)
    kept = exposures_kept(customer_ids=ids)
    positions = {}
    for customer in customers:
        owed = receivables[customer.pk]
        balance, open_orders = kept[customer.pk]
        positions[customer.pk] = CreditPosition(
            customer_id=customer.pk,
            credit_limit=customer.credit_limit,
            balance=balance,
            overdue_amount=owed.overdue_undisputed,
            unapplied_cash=owed.unapplied_cash,
            open_orders_value=open_orders,
            exposure=balance + open_orders,
        )
    return positions


def customer_position(*, customer: Customer) -> CreditPosition:
    return customer_positions(customers=[customer])[customer.pk]


@dataclass(frozen=True)
class CheckFigures:
    """What the credit check decides on, read in one statement whatever the customer's history:
    the kept balance and open orders value (without the order being decided) and the overdue."""

    balance: Decimal
    open_orders_value: Decimal
    overdue_amount: Decimal

    @property
    def exposure(self) -> Decimal:
        return self.balance + self.open_orders_value


def check_figures(*, customer_id: int, order: SalesOrder) -> CheckFigures:
    """The figures of a customer (locked by the caller) for deciding on `order`, whose own share
    of the kept open orders value (none in draft or on hold; its value once released) is left out."""
    balance, open_orders, other = exposures_kept_with(
        customer_id=customer_id,
        overdue=overdue_undisputed_subquery(grace_days=settings.O2C_CREDIT_GRACE_DAYS),
    )
    return CheckFigures(
        balance=balance,
        open_orders_value=open_orders - order_exposure(order),
        overdue_amount=other["overdue"],
    )


@dataclass(frozen=True)
class RiskCheck:
    """The risk rule's figures: the company's threshold (None: off) and the customer's stored
    score with its top factors (None: not scored yet)."""

    threshold: int | None
    score: int | None
    summary: str

    @property
    def holds(self) -> bool:
        return self.threshold is not None and self.score is not None and self.score > self.threshold


def risk_check_figures(*, customer_id: int) -> RiskCheck:
    """The threshold and the customer's stored risk score, in one query (the settings row with the
    score beside it; the score is never computed here: decision 0067)."""
    fields = ("risk_threshold", "risk_score", "risk_summary")  # two of them annotated
    row: dict[str, Any] | None = (
        CreditSettings.objects.filter(pk=1)
        .annotate(**risk_annotations(customer=customer_id))
        .values(*fields)
        .first()
    )
    if row is None:  # never set: off
        return RiskCheck(threshold=None, score=None, summary="")
    return RiskCheck(
        threshold=row["risk_threshold"], score=row["risk_score"], summary=row["risk_summary"] or ""
    )


def risk_threshold_get() -> int | None:
    return CreditSettings.objects.filter(pk=1).values_list("risk_threshold", flat=True).first()


def credit_settings_get() -> CreditSettings:
    """The settings row (unsaved with its defaults when never set)."""
    return CreditSettings.objects.select_related("updated_by").filter(pk=1).first() or CreditSettings(pk=1)


@dataclass(frozen=True)
class PositionCheck:
    customer_id: int
    kept: tuple[Decimal, Decimal]  # (open receivables, open orders) as kept
    summed: tuple[Decimal, Decimal]  # the same summed from the invoices and orders

    @property
    def consistent(self) -> bool:
        return self.kept == self.summed


def positions_checked(*, customer_ids: list[int] | None = None) -> list[PositionCheck]:
    """Every customer's (or those of `customer_ids`) kept figures beside the sums they stand for:
    the open balance of its invoices (the open-item ledger's sum, which a test holds equal to the
    balances) and its approved orders' value not yet invoiced."""
    ids = list(customer_ids) if customer_ids is not None else customer_ids_all()
    checks = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        owed = receivables_positions(customer_ids=chunk)
        orders = uninvoiced_order_values(customer_ids=chunk)
        kept = exposures_kept(customer_ids=chunk)
        for customer_id in chunk:
            summed = (owed[customer_id].open_balance, orders.get(customer_id, ZERO))
            checks.append(PositionCheck(customer_id=customer_id, kept=kept[customer_id], summed=summed))
    return checks


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


def decision_attach(order: SalesOrder, decision: CreditDecision | None = None) -> SalesOrder:
    """The order object in hand with its latest decision's figures set as `with_latest_decision`
    annotates them: `decision` when the caller just made it, else read (one query; none for a
    draft, which has no decision)."""
    if decision is None and order.status != "draft":
        decision = latest_decision(order_id=order.pk)
    order.credit_decision_id = decision.pk if decision else None  # type: ignore[attr-defined]
    order.credit_outcome = decision.outcome if decision else None  # type: ignore[attr-defined]
    order.credit_reason = decision.reason if decision else None  # type: ignore[attr-defined]
    order.credit_exposure = decision.exposure if decision else None  # type: ignore[attr-defined]
    order.credit_limit_at_decision = decision.credit_limit if decision else None  # type: ignore[attr-defined]
    return order


def hold_queue() -> QuerySet[SalesOrder]:
    """Orders on hold, oldest first, with the decision that held them (its figures annotated too,
    so that the queue sorts by any of them)."""
    latest = _latest_decision()
    return (
        with_latest_decision(order_list(filters={"status": "on_hold"}))
        .annotate(
            **risk_annotations(customer=OuterRef("customer_id")),
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
