"""The collector's worklist: the customers to contact today, ranked, each with its reasons in words.

The ranking is meant to be read, not trusted blindly (decision 0059):

1. customers with a follow-up due (a logged activity's follow-up date is today or past, and
   nothing was logged since): the collector said they would call;
2. customers with a broken promise not followed up since it broke;
3. then every customer with overdue money (past due, not in dispute, not under an open
   promise, not in a direct-debit collection pending), by that amount weighted by age, by risk
   and by the reminder due tomorrow: amount × (1 + days the oldest is overdue / 30)
   × (1 + risk score / 100) × 1.2 when a reminder level is due tomorrow.

A returned direct debit logs a note with a follow-up today, so its customer comes first (1).

Within a tier, the weighted overdue amount decides. A customer drops off the list for the day once
an activity is logged for it today (unless that activity asks for a follow-up today). `owner`
keeps the customers of one collector. The reminder level due tomorrow (the dunning run's preview)
and the customer's stored risk score (decision 0067; a customer not scored yet counts 0) are said
as reasons when they weigh. Each customer's figures are read in a fixed number of queries for the
whole list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, Max, Min, OuterRef, Q, Sum

from customers.selectors import customer_list
from invoicing.selectors import invoice_rows
from o2c.money import ZERO, ZERO_CENTS, round_money
from receivables.collections.models import Activity, CollectorAssignment, Promise
from receivables.collections.selectors import promised_invoice_ids_open, risk_scores_stored
from receivables.directdebit.selectors import pending_collections
from receivables.dunning.selectors import DueNotice, collection_pending, dunning_preview
from receivables.open_items.selectors import disputed_capped
from receivables.selectors import open_disputed_subquery

# How long a broken promise stays a reason to call when nobody followed it up.
BROKEN_PROMISE_DAYS = 30
TIER_FOLLOW_UP, TIER_BROKEN_PROMISE, TIER_OVERDUE = 1, 2, 3
# A reminder due tomorrow: a call today can spare the customer the letter (or make it land).
REMINDER_DUE_FACTOR = Decimal("1.2")


@dataclass
class WorklistRow:
    customer_id: int
    customer_code: str
    customer_name: str
    currency: str
    collector: str | None
    tier: int
    overdue: Decimal
    oldest_days_overdue: int
    weight: Decimal
    reasons: list[str] = field(default_factory=list)
    risk_score: int | None = None  # the stored score (decision 0067); None: not scored yet
    risk_summary: str = ""


def _overdue_by_customer(as_of: date, customer_ids: list[int] | None) -> dict[int, dict[str, Any]]:
    rows = (
        invoice_rows()
        .filter(balance__gt=0, due_date__lt=as_of)
        .exclude(Exists(promised_invoice_ids_open().filter(invoice=OuterRef("pk"))))
        .exclude(collection_pending())  # the bank collects it
        .annotate(disputed=disputed_capped(balance=F("balance"), disputed=open_disputed_subquery()))
        .filter(balance__gt=F("disputed"))
    )
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    return {
        row["customer_id"]: row
        for row in rows.values("customer_id").annotate(
            overdue=Sum(F("balance") - F("disputed")), oldest=Min("due_date"), invoices=Sum(1)
        )
    }


def priority_weight(amount: Decimal, *, days: int, risk: int | None, reminder_due: bool) -> Decimal:
    """The overdue tier's weight (module docstring, 3): amount × (1 + days / 30) × (1 + risk / 100)
    × `REMINDER_DUE_FACTOR` when a reminder level is due tomorrow, rounded to cents once."""
    weight = amount * (1 + Decimal(days) / 30) * (1 + Decimal(risk or 0) / 100)
    return round_money(weight * (REMINDER_DUE_FACTOR if reminder_due else 1))


def reminders_tomorrow(*, as_of: date) -> list[DueNotice]:
    """The reminders the dunning run will send the day after `as_of`: the run's own selection
    (receivables.dunning.selectors.dunning_preview reads `due_invoice_rows`, as the run does), so
    what the page shows is what goes out unless something changes overnight (a payment, a promise
    made or broken, a dispute)."""
    return dunning_preview(as_of=as_of + timedelta(days=1))


def worklist(
    *, as_of: date, owner_id: int | None = None, tomorrow: list[DueNotice] | None = None
) -> list[WorklistRow]:
    """The customers to contact on `as_of` (see the module docstring), first to call first."""
    assigned = dict(CollectorAssignment.objects.values_list("customer_id", "collector__username"))
    owned: list[int] | None = None
    if owner_id is not None:
        owned = list(
            CollectorAssignment.objects.filter(collector_id=owner_id).values_list("customer_id", flat=True)
        )
    overdue = _overdue_by_customer(as_of, owned)

    activities = Activity.objects.all() if owned is None else Activity.objects.filter(customer_id__in=owned)
    contacted_today = set(
        activities.filter(created_at__date__gte=as_of).values_list("customer_id", flat=True)
    )
    last_logged = dict(
        activities.values("customer_id").annotate(last=Max("created_at")).values_list("customer_id", "last")
    )
    follow_ups = {
        row["customer_id"]: row
        for row in activities.filter(follow_up_on__lte=as_of)
        .filter(
            ~Exists(
                Activity.objects.filter(
                    customer_id=OuterRef("customer_id"), created_at__gt=OuterRef("created_at")
                )
            )
        )
        .values("customer_id", "follow_up_on", "kind", "note")
    }
    promises = Promise.objects.filter(
        Q(status=Promise.Status.BROKEN, settled_on__gte=as_of - timedelta(days=BROKEN_PROMISE_DAYS))
        | Q(status=Promise.Status.OPEN)
    )
    if owned is not None:
        promises = promises.filter(customer_id__in=owned)
    broken: dict[int, list[Promise]] = {}
    promised_open: dict[int, Decimal] = {}
    for promise in promises.order_by("promised_on", "pk"):
        if promise.status == Promise.Status.OPEN:
            promised_open[promise.customer_id] = promised_open.get(promise.customer_id, ZERO) + promise.amount
        else:
            last = last_logged.get(promise.customer_id)
            if last is None or last.date() <= promise.settled_on:  # nobody called since it broke
                broken.setdefault(promise.customer_id, []).append(promise)
    collecting = dict(
        pending_collections()
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    due_tomorrow = {
        notice.customer_id: notice.level
        for notice in (reminders_tomorrow(as_of=as_of) if tomorrow is None else tomorrow)
    }

    # Logged today: off the list, unless that last activity asked for a follow-up today.
    wanted = (set(overdue) | set(follow_ups) | set(broken)) - (contacted_today - set(follow_ups))
    if owned is not None:
        wanted &= set(owned)
    customers = {c.pk: c for c in customer_list().filter(pk__in=wanted)}
    risks = risk_scores_stored(customer_ids=list(customers))
    rows = []
    for customer_id, customer in customers.items():
        figures = overdue.get(customer_id)
        amount = figures["overdue"] if figures else ZERO_CENTS
        days = (as_of - figures["oldest"]).days if figures else 0
        row = WorklistRow(
            customer_id=customer_id,
            customer_code=customer.code,
            customer_name=customer.name,
            currency=customer.currency,
            collector=assigned.get(customer_id),
            tier=TIER_OVERDUE,
            overdue=amount,
            oldest_days_overdue=days,
            weight=ZERO_CENTS,  # priority_weight below, once the risk is known
        )
        if customer_id in risks:
            row.risk_score, row.risk_summary = risks[customer_id].score, risks[customer_id].summary
        row.weight = priority_weight(
            amount, days=days, risk=row.risk_score, reminder_due=customer_id in due_tomorrow
        )
        follow_up = follow_ups.get(customer_id)
        if follow_up:
            row.tier = TIER_FOLLOW_UP
            row.reasons.append(
                f"follow-up due {follow_up['follow_up_on'].isoformat()} ({follow_up['kind']}: {follow_up['note'][:80]})"
            )
        for promise in broken.get(customer_id, []):
            row.tier = min(row.tier, TIER_BROKEN_PROMISE)
            row.reasons.append(
                f"promise of {promise.amount} {promise.currency} by {promise.promised_on.isoformat()} broken"
                f" ({promise.paid} paid)"
            )
        if amount > 0:
            row.reasons.append(
                f"{amount} {customer.currency} overdue in {figures['invoices']} invoice(s), oldest {days} days"
            )
        if customer_id in promised_open:
            row.reasons.append(f"{promised_open[customer_id]} {customer.currency} promised (not counted)")
        if customer_id in collecting:
            row.reasons.append(
                f"{collecting[customer_id]} {customer.currency} in a direct-debit collection pending (not counted)"
            )
        if customer_id in due_tomorrow:
            row.reasons.append(
                f"reminder '{due_tomorrow[customer_id].name}' due tomorrow (× {REMINDER_DUE_FACTOR})"
            )
        if amount > 0 and row.risk_score:
            row.reasons.append(
                f"risk {row.risk_score} (× {1 + Decimal(row.risk_score) / 100}): {row.risk_summary}"
            )
        rows.append(row)
    rows.sort(key=lambda r: (r.tier, -r.weight, r.customer_code))
    return rows
