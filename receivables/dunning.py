"""Dunning: which customer gets which reminder on a date, and the run that sends them.

The rules (DESIGN.md §2, receivables; docs/decisions/0014-dunning.md):

- An invoice is *due* on `as_of` when its customer has dunning on, it has a balance, the part of
  it not in open disputes is positive (a fully disputed invoice is left alone; a partly disputed
  one is dunned for its undisputed part), and it is at least the first active level's days past
  its due date. It reaches the active level with the most `days_overdue` ≤ (as_of − due date), and
  is dunned at it only if it has not had that level or a later one: a level is never sent twice
  for an invoice (DunningNoticeLine is unique per invoice and level) and never goes back.
- A customer gets at most one notice per date: at the highest level its due invoices reached,
  listing each of them with its own level (SAP's dunning notice, Odoo's follow-up letter). So a
  run repeated on the same day — or two at once: the customer row is locked while its notice is
  written, and the selection is read again under that lock — sends nothing new.
  DunningNotice's unique (customer, level, as_of) stands behind it.
- A notice with a line at a level that blocks the customer blocks it (customers.services), so
  the credit check holds its next order.
- The notice is emailed with its PDF letter through the outbox after commit
  (receivables/dunning_letters.py): delivered once, retried when the mail server fails.

The selection is one SQL query (annotations and EXISTS), never a loop over invoices. `as_of`
decides the days overdue; balances and disputes are today's. A run is not dated in the future;
a preview may be, to see who would get what on that day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from customers.services import customer_update
from invoicing.selectors import invoice_rows
from o2c import locks
from o2c.errors import DomainError
from o2c.money import ZERO
from o2c.outbox import outbox_enqueue
from o2c.parsing import parse_date
from receivables.dunning_letters import DUNNING_NOTICE_DELIVERY
from receivables.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from receivables.selectors import open_disputed_subquery


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


# ── input ────────────────────────────────────────────────────────────────────────────────────────


def as_of_clean(value, *, allow_future: bool = False) -> date:
    """The run's date: today when empty; a `date` or `YYYY-MM-DD`; not in the future for a run."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, datetime):
        value = value.date()
    parsed = parse_date(value, field="as_of")  # YYYY-MM-DD in 1900–2200
    if not allow_future and parsed > today:
        raise DomainError(f"a dunning run cannot be dated after today ({today.isoformat()})", field="as_of")
    return parsed


# ── reads ────────────────────────────────────────────────────────────────────────────────────────


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


def _due_rows(*, as_of: date, levels: list[DunningLevel], customer_id: int | None = None) -> QuerySet:
    """The due invoices of `as_of` (see the module docstring) as dicts, by customer then oldest
    due first; `reached_days` names the level reached by its `days_overdue`. One query."""
    if not levels:
        return invoice_rows().none().values()
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
        .annotate(disputed=open_disputed_subquery())
        .filter(balance__gt=F("disputed"))
        .annotate(reached_days=reached, days_overdue=_days_between(as_of))
        .filter(
            ~Exists(
                DunningNoticeLine.objects.filter(
                    invoice=OuterRef("pk"), level__days_overdue__gte=OuterRef("reached_days")
                )
            ),
            ~Exists(DunningNotice.objects.filter(customer=OuterRef("customer_id"), as_of=as_of)),
        )
    )
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
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


def _notice_of(rows: list[dict], levels_by_days: dict[int, DunningLevel]) -> DueNotice:
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
    per_customer: dict[int, list[dict]] = defaultdict(list)
    for row in _due_rows(as_of=as_of, levels=levels, customer_id=customer_id):
        per_customer[row["customer_id"]].append(row)
    return [_notice_of(rows, levels_by_days) for rows in per_customer.values()]


def dunning_run_list() -> QuerySet[DunningRun]:
    return DunningRun.objects.select_related("started_by")


def dunning_run_get(*, run_id: int) -> DunningRun:
    return dunning_run_list().get(pk=run_id)


def dunning_notice_list(*, filters: dict | None = None) -> QuerySet[DunningNotice]:
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


# ── the run ──────────────────────────────────────────────────────────────────────────────────────


def dunning_run_start(*, as_of=None, by=None) -> DunningRun:
    """A run row (status running) for `as_of` (today when empty); `dunning_run_execute` does the
    work — at once (API, beat task) or in a task whose progress the page shows."""
    return DunningRun.objects.create(as_of=as_of_clean(as_of), started_by=by)


def dunning_run_execute(*, run_id: int) -> DunningRun:
    """Send the notices of a run, one customer per transaction (its progress is visible while
    it runs, and what is sent stays sent if a later customer fails). Safe to run again: a
    finished run is left alone, and customers that already got their notice are not due."""
    run = DunningRun.objects.get(pk=run_id)
    if run.status != DunningRun.Status.RUNNING:
        return run
    levels = dunning_level_list(active=True)
    customer_ids = sorted(
        set(_due_rows(as_of=run.as_of, levels=levels).order_by().values_list("customer_id", flat=True))
    )
    DunningRun.objects.filter(pk=run_id).update(
        customers_total=len(customer_ids), customers_done=0, notices_sent=run.notices.count()
    )
    try:
        for customer_id in customer_ids:
            notice = _customer_dun(run=run, customer_id=customer_id, levels=levels)
            DunningRun.objects.filter(pk=run_id).update(
                customers_done=F("customers_done") + 1,
                notices_sent=F("notices_sent") + (1 if notice else 0),
            )
    except Exception as error:
        DunningRun.objects.filter(pk=run_id).update(
            status=DunningRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    DunningRun.objects.filter(pk=run_id).update(status=DunningRun.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def dunning_run(*, as_of=None, by=None) -> DunningRun:
    """Start and execute a run at once."""
    run = dunning_run_start(as_of=as_of, by=by)
    return dunning_run_execute(run_id=run.pk)


def _customer_dun(*, run: DunningRun, customer_id: int, levels: list[DunningLevel]) -> DunningNotice | None:
    """The customer's notice of the run's date, if it is still due: selected again under the
    customer's row lock, so two runs at once write one notice."""
    levels_by_days = {level.days_overdue: level for level in levels}
    try:
        with transaction.atomic():
            customer = locks.customer_lock(customer_id=customer_id)
            rows = list(_due_rows(as_of=run.as_of, levels=levels, customer_id=customer.pk))
            if not rows:
                return None
            due = _notice_of(rows, levels_by_days)
            notice = DunningNotice.objects.create(
                customer=customer,
                level=due.level,
                run=run,
                as_of=run.as_of,
                total=due.total,
                currency=due.currency,
            )
            DunningNoticeLine.objects.bulk_create(
                DunningNoticeLine(
                    notice=notice,
                    invoice_id=invoice.invoice_id,
                    level=invoice.level,
                    balance=invoice.balance,
                    disputed=invoice.disputed,
                    days_overdue=invoice.days_overdue,
                )
                for invoice in due.invoices
            )
            if due.blocks_customer and not customer.blocked:
                customer_update(customer_id=customer.pk, by=None, blocked=True)
            outbox_enqueue(kind=DUNNING_NOTICE_DELIVERY, payload={"notice_id": notice.pk})
            return notice
    except IntegrityError:
        # A notice of this level and date, or a line of this level, was written by another run
        # between our read and our write: that run sent it, so there is nothing to send.
        return None
