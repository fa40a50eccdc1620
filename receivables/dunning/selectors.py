"""Dunning reads: the levels, who is due which reminder on a date (one SQL query, annotations and
EXISTS, never a loop over invoices; the rules are in services.py), the runs and the notices."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from invoicing.selectors import invoice_rows
from o2c.money import ZERO
from receivables.collections.selectors import promised_invoice_ids_open
from receivables.directdebit.selectors import pending_collections
from receivables.dunning.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from receivables.open_items.selectors import disputed_capped
from receivables.selectors import open_disputed_subquery

if TYPE_CHECKING:
    from invoicing.models import Invoice


@dataclass(frozen=True)
class DueInvoice:
    """An invoice that a notice on `as_of` would list, at the level it reached."""

    invoice_id: int
    number: str
    currency: str
    issue_date: date
    due_date: date
    days_overdue: int
    total: Decimal
    balance: Decimal
    disputed: Decimal
    level: DunningLevel

    @property
    def amount_due(self) -> Decimal:
        """What the customer is asked to pay: the balance less what is in open disputes."""
        return self.balance - self.disputed


@dataclass(frozen=True)
class DueNotice:
    """The notice a customer would get: at the highest level its invoices reached."""

    customer_id: int
    customer_code: str
    customer_name: str
    customer_blocked: bool
    level: DunningLevel
    currency: str
    invoices: list[DueInvoice] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((invoice.amount_due for invoice in self.invoices), ZERO)

    @property
    def disputed(self) -> Decimal:
        return sum((invoice.disputed for invoice in self.invoices), ZERO)

    @property
    def blocks_customer(self) -> bool:
        return any(invoice.level.blocks_customer for invoice in self.invoices)


def dunning_level_list(*, active: bool | None = None) -> list[DunningLevel]:
    levels = DunningLevel.objects.order_by("days_overdue", "level")
    if active is not None:
        levels = levels.filter(active=active)
    return list(levels)


def _days_between(as_of: date) -> Func:
    """as_of − due_date in days (date − date is an integer in PostgreSQL)."""
    return Func(
        Value(as_of, output_field=DateField()),
        F("due_date"),
        arg_joiner=" - ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )


def collection_pending() -> Q:
    """The invoices with a direct-debit collection pending (receivables/directdebit, decision
    0065), which get no reminder (the bank collects them) and are not chased on the worklist.
    Read by `due_invoice_rows` (the run and its preview) and the worklist: one place."""
    return Q(Exists(pending_collections().filter(invoice=OuterRef("pk"))))


def due_invoice_rows(
    *,
    as_of: date,
    levels: list[DunningLevel],
    customer_id: int | None = None,
    customer_ids: list[int] | None = None,
) -> QuerySet[Invoice, dict[str, Any]]:
    """The due invoices of `as_of` (see the module docstring) as dicts, by customer then oldest
    due first; `reached_days` names the level reached by its `days_overdue`. One query."""
    if not levels:
        return invoice_rows().none().values()  # type: ignore[return-value]  # rows as dicts
    by_days = sorted(levels, key=lambda level: level.days_overdue, reverse=True)
    reached = Case(
        *[
            When(due_date__lte=as_of - timedelta(days=level.days_overdue), then=Value(level.days_overdue))
            for level in by_days
        ],
        default=Value(None),
        output_field=IntegerField(),
    )
    rows = (
        invoice_rows()
        .filter(
            customer__dunning_enabled=True,
            balance__gt=0,
            due_date__lte=as_of - timedelta(days=by_days[-1].days_overdue),
        )
        .annotate(disputed=disputed_capped(balance=F("balance"), disputed=open_disputed_subquery()))
        .filter(balance__gt=F("disputed"))
        .annotate(reached_days=reached, days_overdue=_days_between(as_of))
        .filter(
            ~Exists(
                DunningNoticeLine.objects.filter(
                    invoice=OuterRef("pk"), level__days_overdue__gte=OuterRef("reached_days")
                )
            ),
            ~Exists(DunningNotice.objects.filter(customer=OuterRef("customer_id"), as_of=as_of)),
            ~Exists(promised_invoice_ids_open().filter(invoice=OuterRef("pk"))),  # paused while promised
        )
        .exclude(collection_pending())  # the bank collects it
    )
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    return rows.values(
        "pk",
        "number",
        "currency",
        "issue_date",
        "due_date",
        "days_overdue",
        "total",
        "balance",
        "disputed",
        "reached_days",
        "customer_id",
        "customer__code",
        "customer__name",
        "customer__blocked",
    ).order_by("customer__name", "customer_id", "due_date", "pk")


def due_notice_of(rows: list[dict[str, Any]], levels_by_days: dict[int, DunningLevel]) -> DueNotice:
    """One customer's notice from its due rows, at the highest level they reached, in that
    invoice's currency (a customer billed in two currencies gets the other's on the next run)."""
    top = max(rows, key=lambda row: row["reached_days"])
    invoices = [
        DueInvoice(
            invoice_id=row["pk"],
            number=row["number"],
            currency=row["currency"],
            issue_date=row["issue_date"],
            due_date=row["due_date"],
            days_overdue=row["days_overdue"],
            total=row["total"],
            balance=row["balance"],
            disputed=row["disputed"],
            level=levels_by_days[row["reached_days"]],
        )
        for row in rows
        if row["currency"] == top["currency"]
    ]
    return DueNotice(
        customer_id=top["customer_id"],
        customer_code=top["customer__code"],
        customer_name=top["customer__name"],
        customer_blocked=top["customer__blocked"],
        level=levels_by_days[top["reached_days"]],
        currency=top["currency"],
        invoices=invoices,
    )


def dunning_preview(*, as_of: date, customer_id: int | None = None) -> list[DueNotice]:
    """Who would get which notice on `as_of`, with which invoices: nothing is written."""
    levels = dunning_level_list(active=True)
    levels_by_days = {level.days_overdue: level for level in levels}
    per_customer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in due_invoice_rows(as_of=as_of, levels=levels, customer_id=customer_id):
        per_customer[row["customer_id"]].append(row)
    return [due_notice_of(rows, levels_by_days) for rows in per_customer.values()]


def dunning_run_list() -> QuerySet[DunningRun]:
    return DunningRun.objects.select_related("started_by")


def dunning_run_get(*, run_id: int) -> DunningRun:
    return dunning_run_list().get(pk=run_id)


def dunning_notice_list(*, filters: dict[str, Any] | None = None) -> QuerySet[DunningNotice]:
    """Notices with their customer, level, run and lines (invoice and level of each): a list
    page reads them in a fixed number of queries."""
    notices = DunningNotice.objects.select_related("customer", "level", "run").prefetch_related(
        Prefetch(
            "lines",
            queryset=DunningNoticeLine.objects.select_related("invoice", "level").order_by(
                "invoice__due_date", "pk"
            ),
        )
    )
    for name, value in (filters or {}).items():
        if value not in (None, ""):
            notices = notices.filter(**{name: value})
    return notices


def dunning_notice_get(*, notice_id: int) -> DunningNotice:
    return dunning_notice_list().get(pk=notice_id)
