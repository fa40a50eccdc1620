"""The credit check and the decisions of finance on held orders (DESIGN.md §2, credit check).

Rules, in order: a blocked customer → hold; an undisputed invoice overdue beyond the grace days →
hold; exposure (open receivables + other approved, uninvoiced orders + this order) above the limit
→ hold; the customer's stored risk score above the company's risk threshold (when one is set) →
hold, naming the score and its top factors; otherwise approve. No limit means unlimited. The customer row is locked for the check, so
two orders cannot both pass against the same headroom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from credit.errors import CreditErrorCode
from credit.models import CreditDecision, CreditSettings
from credit.selectors import PositionCheck, check_figures, positions_checked, risk_check_figures
from customers.services.exposure import exposure_set
from o2c import locks
from o2c.errors import DomainError, KernelErrorCode

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from orders.models import SalesOrder

Outcome, Rule = CreditDecision.Outcome, CreditDecision.Rule


def credit_check(
    *, order: SalesOrder, by: User | None = None, customer_locked: bool = False
) -> CreditDecision:
    """Decide on `order` (locked by the caller) and store the decision with its figures. The
    customer is locked here, unless the caller says it locked `order.customer` already in this
    transaction (placing an order reads its customer locked: `order_create(lock_customer=True)`)."""
    customer = order.customer if customer_locked else locks.customer_lock(customer_id=order.customer_id)
    position = check_figures(customer_id=customer.pk, order=order)
    risk = risk_check_figures(customer_id=customer.pk)
    exposure = position.exposure + order.total
    limit = customer.credit_limit
    if customer.blocked:
        outcome, rule, reason = Outcome.ON_HOLD, Rule.BLOCKED, f"customer {customer.code} is blocked"
    elif position.overdue_amount > 0:
        outcome, rule = Outcome.ON_HOLD, Rule.OVERDUE
        reason = (
            f"{position.overdue_amount} {order.currency} overdue more than "
            f"{settings.O2C_CREDIT_GRACE_DAYS} days"
        )
    elif limit is not None and exposure > limit:
        outcome, rule = Outcome.ON_HOLD, Rule.LIMIT
        reason = f"limit exceeded by {exposure - limit} {order.currency}"
    elif risk.holds:
        outcome, rule = Outcome.ON_HOLD, Rule.RISK
        reason = f"risk score {risk.score} above {risk.threshold}: {risk.summary}"[:300]
    else:
        outcome, rule = Outcome.APPROVED, Rule.WITHIN_LIMIT
        reason = (
            "no credit limit"
            if limit is None
            else f"within limit, headroom {limit - exposure} {order.currency}"
        )
    return CreditDecision.objects.create(
        order_id=order.pk,
        customer=customer,
        outcome=outcome,
        rule=rule,
        reason=reason,
        open_receivables=position.balance,
        open_orders=position.open_orders_value,
        order_total=order.total,
        exposure=exposure,
        credit_limit=limit,
        overdue_amount=position.overdue_amount,
        decided_by=by,
    )


def credit_decide_manually(*, order: SalesOrder, release: bool, note: str, by: User | None) -> CreditDecision:
    """Finance releases a hold (the order goes on to allocation) or rejects it (cancelled), always
    saying why: a decision without a note is refused, whichever way it comes in."""
    if not (note or "").strip():
        raise DomainError(
            f"write a note saying why the hold is {'released' if release else 'rejected'}",
            field="note",
            code=CreditErrorCode.NOTE_REQUIRED,
        )
    customer = locks.customer_lock(customer_id=order.customer_id)
    position = check_figures(customer_id=customer.pk, order=order)
    return CreditDecision.objects.create(
        order_id=order.pk,
        customer=customer,
        outcome=Outcome.RELEASED if release else Outcome.REJECTED,
        rule=Rule.MANUAL,
        reason=("released" if release else "rejected") + (f": {note}" if note else ""),
        open_receivables=position.balance,
        open_orders=position.open_orders_value,
        order_total=order.total,
        exposure=position.exposure + order.total,
        credit_limit=customer.credit_limit,
        overdue_amount=position.overdue_amount,
        note=note,
        decided_by=by,
    )


def credit_positions_repair(
    *, customer_ids: list[int] | None = None, fix: bool = False
) -> list[PositionCheck]:
    """The customers whose kept exposure differs from the sums it stands for (all customers, or
    `customer_ids`); with `fix`, each is set again to its sums under the customer's lock, which
    every movement of the figure holds too (decision 0050). Returns the differences found."""
    wrong = [check for check in positions_checked(customer_ids=customer_ids) if not check.consistent]
    if fix:
        for check in wrong:
            with transaction.atomic():
                locks.customer_lock(customer_id=check.customer_id)
                (now,) = positions_checked(customer_ids=[check.customer_id])
                exposure_set(
                    customer_id=check.customer_id, open_receivables=now.summed[0], open_orders=now.summed[1]
                )
    return wrong


@transaction.atomic
def credit_settings_update(*, risk_threshold: int | None, by: User | None) -> CreditSettings:
    """A manager sets the risk threshold (0–100; None turns the risk rule off). Orders checked from
    then on are held when the customer's stored score is above it; held orders stay as they are."""
    if risk_threshold is not None and not 0 <= risk_threshold <= 100:
        raise DomainError(
            "the risk threshold is a score from 0 to 100",
            field="risk_threshold",
            code=KernelErrorCode.INVALID,
        )
    row, _ = CreditSettings.objects.get_or_create(pk=1)
    if row.risk_threshold != risk_threshold:
        row.risk_threshold = risk_threshold
        row.updated_by = by
        row.save(update_fields=["risk_threshold", "updated_by", "updated_at"])
    return row
