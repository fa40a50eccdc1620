"""A quotation's life after entry: sent (by e-mail, with its PDF), accepted (its order is made
and submitted by the pipeline step `quotation_accept`), declined with a reason, expired."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from o2c import locks
from o2c.errors import Conflict, DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.outbox import outbox_enqueue
from o2c.parsing import text_check
from o2c.states import transition, transition_assert, transition_rows
from quotations.documents import QUOTATION_DELIVERY
from quotations.errors import QuotationErrorCode
from quotations.models import Quotation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from orders.models import SalesOrder

STATUS = Quotation.Status


def _still_valid(quotation: Quotation, *, action: str) -> None:
    today = timezone.localdate()
    if quotation.valid_until < today:
        raise Conflict(
            f"quotation {quotation.number} was valid until {quotation.valid_until.isoformat()} "
            f"and cannot be {action}",
            code=QuotationErrorCode.QUOTATION_EXPIRED,
        )


@transaction.atomic
def quotation_send(*, quotation_id: int, by: User | None) -> Quotation:
    """E-mail the quotation with its PDF (through the outbox, once) and mark it sent."""
    quotation = locks.quotation_lock(quotation_id=quotation_id)
    transition_assert(quotation, STATUS.SENT)
    _still_valid(quotation, action="sent")
    if not quotation.customer.email:
        raise DomainError(
            f"customer {quotation.customer.code} has no e-mail address",
            field="email",
            code=KernelErrorCode.NO_BILLING_EMAIL,
        )
    quotation.sent_at = timezone.now()
    transition(
        quotation,
        STATUS.SENT,
        by=by,
        reason=f"to {quotation.customer.email}",
        update_fields=["sent_at"],
    )
    outbox_enqueue(kind=QUOTATION_DELIVERY, payload={"quotation_id": quotation.pk})
    event_emit("quotation.sent", quotation)
    return quotation


def quotation_lock_for_accept(*, quotation_id: int) -> Quotation:
    """Lock the quotation and check that it may be accepted now (sent, still valid)."""
    quotation = locks.quotation_lock(quotation_id=quotation_id)
    transition_assert(quotation, STATUS.ACCEPTED)
    _still_valid(quotation, action="accepted")
    return quotation


def quotation_mark_accepted(
    *, quotation: Quotation, order: SalesOrder, by: User | None, via: str = ""
) -> Quotation:
    """Record the order the (locked) quotation became."""
    quotation.order = order
    quotation.decided_at = timezone.now()
    transition(
        quotation,
        STATUS.ACCEPTED,
        by=by,
        reason=f"order {order.number}" + (f" ({via})" if via else ""),
        update_fields=["order", "decided_at"],
    )
    event_emit("quotation.accepted", quotation, order=order.pk)
    return quotation


@transaction.atomic
def quotation_decline(*, quotation_id: int, reason: str, by: User | None) -> Quotation:
    """The customer said no: kept with the reason (for the sales report)."""
    reason = text_check((reason or "").strip(), field="reason", multiline=True)
    if not reason:
        raise DomainError("give a reason", field="reason", code=KernelErrorCode.BLANK)
    quotation = locks.quotation_lock(quotation_id=quotation_id)
    quotation.decline_reason = reason[:1000]
    quotation.decided_at = timezone.now()
    transition(
        quotation, STATUS.DECLINED, by=by, reason=reason, update_fields=["decline_reason", "decided_at"]
    )
    return quotation


@transaction.atomic
def quotations_expire(*, today: date | None = None) -> int:
    """Every draft or sent quotation valid until before `today` becomes expired (the nightly
    task). One conditional UPDATE: a quotation being accepted meanwhile is left to that step."""
    today = today or timezone.localdate()
    return transition_rows(
        Quotation.objects.filter(valid_until__lt=today),
        STATUS.EXPIRED,
        by=None,
        reason=f"not accepted by its date (run of {today.isoformat()})",
        event="expired",
        values={"decided_at": timezone.now()},
    )
