"""Collections reads: activities, promises, and what has been paid towards a promise.

What counts as paid towards a promise, in one place (`with_paid`): recorded after the promise
was made and dated up to its date (or `as_of`, if earlier), the allocations to its invoices (less allocations reversed),
or, for a promise on the account as a whole, the payments received from the customer (less
payments reversed). Credit notes and write-offs are not payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least

from o2c.money import ZERO
from receivables.collections.models import Activity, Promise, PromiseInvoice, RiskScore
from receivables.models import ReceivableEntry
from receivables.open_items.selectors import MONEY as _MONEY


def activity_list(*, customer_id: int | None = None) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("customer", "created_by")
    return activities if customer_id is None else activities.filter(customer_id=customer_id)


def promise_list() -> QuerySet[Promise]:
    return Promise.objects.select_related("customer", "created_by").prefetch_related("promised_invoices")


def promise_get(*, promise_id: int) -> Promise:
    return promise_list().get(pk=promise_id)


def _paid_sum(entries: QuerySet[ReceivableEntry]) -> Coalesce:
    return Coalesce(
        Subquery(entries.values("customer_id").annotate(total=-Sum("amount")).values("total")[:1]),
        Value(ZERO),
        output_field=_MONEY,
    )


def with_paid(promises: QuerySet[Promise], *, as_of: date) -> QuerySet[Any]:
    """`promises` annotated with `paid_so_far` (see the module docstring) as of `as_of`, and
    `named` (how many invoices the promise names), in the same query."""
    window = Q(
        created_at__gte=OuterRef("created_at"), entry_date__lte=Least(OuterRef("promised_on"), Value(as_of))
    )
    to_invoices = ReceivableEntry.objects.filter(
        window,
        kind__in=[ReceivableEntry.Kind.ALLOCATION, ReceivableEntry.Kind.ALLOCATION_REVERSAL],
        invoice_id__in=PromiseInvoice.objects.filter(promise_id=OuterRef(OuterRef("pk"))).values(
            "invoice_id"
        ),
    )
    to_account = ReceivableEntry.objects.filter(
        window,
        customer_id=OuterRef("customer_id"),
        invoice__isnull=True,
        kind__in=[ReceivableEntry.Kind.PAYMENT, ReceivableEntry.Kind.PAYMENT_REVERSAL],
    )
    named = Coalesce(
        Subquery(
            PromiseInvoice.objects.filter(promise_id=OuterRef("pk"))
            .values("promise_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        Value(0),
    )
    return promises.annotate(
        named=named,
        paid_invoices=_paid_sum(to_invoices),
        paid_account=_paid_sum(to_account),
    ).annotate(
        paid_so_far=Case(
            When(named__gt=0, then=F("paid_invoices")), default=F("paid_account"), output_field=_MONEY
        )
    )


def paid_towards(*, promise: Promise, as_of: date) -> Decimal:
    paid: Decimal | None = (
        with_paid(Promise.objects.filter(pk=promise.pk), as_of=as_of)
        .values_list("paid_so_far", flat=True)
        .first()
    )
    return paid or ZERO


def promised_invoice_ids_open() -> QuerySet[PromiseInvoice]:
    """The invoices under an open promise (dunning leaves them alone while it is open)."""
    return PromiseInvoice.objects.filter(promise__status=Promise.Status.OPEN)


def risk_scores_stored(*, customer_ids: list[int]) -> dict[int, RiskScore]:
    """The stored risk of each of `customer_ids` that has been scored, in one query."""
    return {row.customer_id: row for row in RiskScore.objects.filter(customer_id__in=customer_ids)}


def risk_score_stored(*, customer_id: int) -> RiskScore | None:
    return RiskScore.objects.filter(customer_id=customer_id).first()


def risk_annotations(*, customer: int | Combinable) -> dict[str, Subquery]:
    """`risk_score` and `risk_summary` of the customer `customer` (an id, or an `OuterRef` to one)
    as subqueries to annotate another app's query with: the credit check reads them with its
    settings row, the hold queue with each order, in the query it makes anyway."""
    stored = RiskScore.objects.filter(**{"customer_id": customer})
    return {
        "risk_score": Subquery(stored.values("score")[:1]),
        "risk_summary": Subquery(stored.values("summary")[:1]),
    }
