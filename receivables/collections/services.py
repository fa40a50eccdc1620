"""Collections writes: log an activity, take a promise to pay, cancel it, and the nightly check
that finds each open promise kept (paid in full, or its invoices settled) or broken (its date has
passed). A broken promise is told as `promise.broken`; its invoices go back to dunning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone

from customers.selectors import customer_get, customer_ids_all
from invoicing.selectors import invoice_rows
from o2c.errors import DomainError, KernelErrorCode
from o2c.events import event_emit
from o2c.locks import promise_lock
from o2c.money import ZERO
from o2c.roles import FINANCE, has_role
from o2c.states import transition
from receivables.collections import selectors
from receivables.collections.errors import CollectionsErrorCode
from receivables.collections.models import Activity, CollectorAssignment, Promise, PromiseInvoice, RiskScore
from receivables.collections.risk import customers_risk
from receivables.selectors import invoice_ledger_balances, receivables_positions
from receivables.services import amount_clean

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer

# How far ahead a promise or a follow-up may be dated: a year is a payment plan, not a promise.
HORIZON = timedelta(days=366)


def _customer(customer_id: int) -> Customer:
    try:
        return customer_get(customer_id=customer_id)
    except ObjectDoesNotExist:
        raise DomainError(
            f"customer {customer_id} does not exist", field="customer", code=KernelErrorCode.DOES_NOT_EXIST
        ) from None


def _date_ahead(value: date | None, *, today: date, field: str, code: CollectionsErrorCode) -> None:
    if value is None:
        return
    if value < today:
        raise DomainError(f"{value.isoformat()} is in the past", field=field, code=code)
    if value > today + HORIZON:
        raise DomainError(
            f"{value.isoformat()} is more than a year ahead",
            field=field,
            code=CollectionsErrorCode.PROMISE_DATE_TOO_FAR,
        )


def activity_log(
    *,
    customer_id: int,
    kind: str,
    note: str,
    follow_up_on: date | None = None,
    by: User | None = None,
) -> Activity:
    """A call, an e-mail or a note on the customer's timeline, with an optional follow-up date
    (today at the earliest)."""
    customer = _customer(customer_id)
    if kind not in Activity.Kind.values:
        raise DomainError(
            f"{kind!r} is not one of {', '.join(Activity.Kind.values)}",
            field="kind",
            code=KernelErrorCode.INVALID_CHOICE,
        )
    _date_ahead(
        follow_up_on,
        today=timezone.localdate(),
        field="follow_up_on",
        code=CollectionsErrorCode.FOLLOW_UP_IN_PAST,
    )
    if not note.strip():
        raise DomainError("say what happened", field="note", code=KernelErrorCode.BLANK)
    return Activity.objects.create(
        customer=customer, kind=kind, note=note, follow_up_on=follow_up_on, created_by=by
    )


def collector_assign(*, customer_id: int, collector_id: int | None, by: User | None = None) -> None:
    """Make a finance user (or a manager) the customer's collector; None: nobody."""
    customer = _customer(customer_id)
    if collector_id is None:
        CollectorAssignment.objects.filter(customer=customer).delete()
        return
    collector = get_user_model().objects.filter(pk=collector_id, is_active=True).first()
    if collector is None or not has_role(collector, FINANCE):
        raise DomainError(
            f"user {collector_id} is not an active finance user",
            field="collector",
            code=CollectionsErrorCode.COLLECTOR_NOT_FINANCE,
        )
    CollectorAssignment.objects.update_or_create(
        customer=customer, defaults={"collector": collector, "assigned_by": by}
    )


@transaction.atomic
def promise_make(
    *,
    customer_id: int,
    amount: Decimal | str,
    promised_on: date,
    invoice_ids: Sequence[int] = (),
    note: str = "",
    by: User | None = None,
) -> Promise:
    """The customer promises to pay `amount` by `promised_on`, for the named open invoices (at
    most their open balance) or on its account (at most its open balance)."""
    customer = _customer(customer_id)
    amount = amount_clean(amount)
    today = timezone.localdate()
    _date_ahead(promised_on, today=today, field="promised_on", code=CollectionsErrorCode.PROMISE_DATE_IN_PAST)
    wanted = sorted(set(invoice_ids))
    if wanted:
        invoices = list(
            invoice_rows()
            .filter(pk__in=wanted, customer_id=customer.pk)
            .values_list("pk", "number", "balance", "currency")
        )
        found = {pk for pk, *_ in invoices}
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise DomainError(
                f"invoice {missing[0]} is not an invoice of {customer.code}",
                field="invoices",
                code=CollectionsErrorCode.INVOICE_NOT_OPEN,
            )
        settled = [number for _, number, balance, _ in invoices if balance <= 0]
        if settled:
            raise DomainError(
                f"{settled[0]} has nothing left to pay",
                field="invoices",
                code=CollectionsErrorCode.INVOICE_NOT_OPEN,
            )
        currencies = {currency for *_, currency in invoices}
        if len(currencies) > 1:
            raise DomainError(
                "the invoices are in more than one currency: make one promise per currency",
                field="invoices",
                code=CollectionsErrorCode.PROMISE_CURRENCY_MIXED,
            )
        currency = currencies.pop()
        open_amount = sum((balance for _, _, balance, _ in invoices), ZERO)
    else:
        currency = customer.currency
        open_amount = receivables_positions(customer_ids=[customer.pk])[customer.pk].open_balance
    if amount > open_amount:
        raise DomainError(
            f"{amount} is more than the {open_amount} {currency} open",
            field="amount",
            code=CollectionsErrorCode.PROMISE_EXCEEDS_OPEN,
        )
    promise = Promise.objects.create(
        customer=customer,
        amount=amount,
        currency=currency,
        made_on=today,
        promised_on=promised_on,
        note=note,
        created_by=by,
    )
    PromiseInvoice.objects.bulk_create(PromiseInvoice(promise=promise, invoice_id=pk) for pk in wanted)
    promise.events.create(actor=by, event="made", detail=f"{amount} {currency} by {promised_on.isoformat()}")
    return promise


@transaction.atomic
def promise_cancel(*, promise_id: int, reason: str = "", by: User | None = None) -> Promise:
    promise = promise_lock(promise_id=promise_id)
    transition(promise, Promise.Status.CANCELLED, by=by, reason=reason)
    return promise


@dataclass(frozen=True)
class PromisesChecked:
    kept: int
    broken: int


def _invoices_settled(promise: Promise, *, as_of: date) -> bool:
    """Whether the promise's invoices were all settled (by any means: a credit note too) by its
    date or `as_of`, whichever is earlier: then nothing was left to pay."""
    named = list(PromiseInvoice.objects.filter(promise=promise).values_list("invoice_id", flat=True))
    if not named:
        return False
    balances = invoice_ledger_balances(invoice_ids=named, as_of=min(promise.promised_on, as_of))
    return sum(balances.values(), ZERO) <= 0


def promises_check(*, as_of: date | None = None) -> PromisesChecked:
    """The nightly check: each open promise paid in full (or whose invoices are settled) is kept;
    each still open the day after its date is broken, told as `promise.broken`. One transaction
    per promise, under its lock, so a payment recorded meanwhile is seen or waits."""
    as_of = as_of or timezone.localdate()
    candidates = selectors.with_paid(Promise.objects.filter(status=Promise.Status.OPEN), as_of=as_of)
    kept = broken = 0
    for promise_id, paid, amount, promised_on in candidates.values_list(
        "pk", "paid_so_far", "amount", "promised_on"
    ):
        due = promised_on < as_of
        if paid < amount and not due:
            continue  # not paid yet, still time: checked again tomorrow (the settled case included)
        with transaction.atomic():
            promise = promise_lock(promise_id=promise_id)
            if promise.status != Promise.Status.OPEN:
                continue
            paid = selectors.paid_towards(promise=promise, as_of=as_of)
            promise.paid = paid
            promise.settled_on = as_of
            if paid >= promise.amount or _invoices_settled(promise, as_of=as_of):
                transition(
                    promise,
                    Promise.Status.KEPT,
                    by=None,
                    reason=f"paid {paid}",
                    update_fields=["paid", "settled_on"],
                )
                kept += 1
            elif due:
                transition(
                    promise,
                    Promise.Status.BROKEN,
                    by=None,
                    reason=f"paid {paid} of {promise.amount} by {promise.promised_on.isoformat()}",
                    update_fields=["paid", "settled_on"],
                )
                event_emit("promise.broken", promise, paid=str(paid))
                broken += 1
    return PromisesChecked(kept=kept, broken=broken)


RISK_CHUNK = 500  # customers scored per round of queries


def risk_scores_refresh(*, customer_ids: Sequence[int] | None = None, as_of: date | None = None) -> int:
    """Score the customers (all when `customer_ids` is None) and store each score with its factors
    (`RiskScore`, one upsert per chunk of customers): what the credit check, the hold queue, the
    worklist and the customer page read. Nightly for all, after a payment for its customer; safe
    to repeat. Returns how many were scored."""
    as_of = as_of or timezone.localdate()
    ids = list(customer_ids) if customer_ids is not None else customer_ids_all()
    scored = 0
    for start in range(0, len(ids), RISK_CHUNK):
        risks = customers_risk(customer_ids=ids[start : start + RISK_CHUNK], as_of=as_of)
        rows = [
            RiskScore(
                customer_id=customer_id,
                score=risk.score,
                factors=[{**asdict(factor), "points": str(factor.points)} for factor in risk.factors],
                summary=risk.summary()[:200],
                as_of=as_of,
            )
            for customer_id, risk in risks.items()
        ]
        RiskScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=["score", "factors", "summary", "as_of", "computed_at"],
        )
        scored += len(rows)
    return scored
