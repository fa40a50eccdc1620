"""Dunning writes: the run that sends the reminders (which customer gets which reminder on a date
is read in selectors.py).

The rules (DESIGN.md §2, receivables; docs/decisions/0014-dunning.md):

- An invoice is *due* on `as_of` when its customer has dunning on, it has a balance, the part of
  it not in open disputes is positive (a fully disputed invoice is left alone; a partly disputed
  one is dunned for its undisputed part), and it is at least the first active level's days past
  its due date, and is not under an open promise to pay (receivables/collections: a promise
  pauses its reminders; kept, broken or cancelled, they resume), nor pending a direct-debit
  collection (`selectors.collection_pending`, the hook the direct debits fill). It reaches the active level with the most `days_overdue` ≤ (as_of − due date), and
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
  (receivables/dunning/letters.py): delivered once, retried when the mail server fails.

The selection is one SQL query (annotations and EXISTS), never a loop over invoices. `as_of`
decides the days overdue; balances and disputes are today's. A run is not dated in the future;
a preview may be, to see who would get what on that day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from customers.services.bulk import customers_block
from o2c import locks
from o2c.errors import DomainError
from o2c.events import event_emit_many
from o2c.outbox import outbox_enqueue_many
from o2c.parsing import parse_date
from receivables.dunning.errors import DunningErrorCode
from receivables.dunning.letters import DUNNING_NOTICE_DELIVERY
from receivables.dunning.models import DunningLevel, DunningNotice, DunningNoticeLine, DunningRun
from receivables.dunning.selectors import DueNotice, due_invoice_rows, due_notice_of, dunning_level_list

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from customers.models import Customer

# ── input ────────────────────────────────────────────────────────────────────────────────────────


def as_of_clean(value: object, *, allow_future: bool = False) -> date:
    """The run's date: today when empty; a `date` or `YYYY-MM-DD`; not in the future for a run."""
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, datetime):
        value = value.date()
    parsed = parse_date(value, field="as_of")  # YYYY-MM-DD in 1900–2200
    if not allow_future and parsed > today:
        raise DomainError(
            f"a dunning run cannot be dated after today ({today.isoformat()})",
            field="as_of",
            code=DunningErrorCode.DUNNING_DATE_IN_FUTURE,
        )
    return parsed


# ── reads ────────────────────────────────────────────────────────────────────────────────────────


# ── the run ──────────────────────────────────────────────────────────────────────────────────────


def dunning_run_start(*, as_of: date | str | None = None, by: User | None = None) -> DunningRun:
    """A run row (status running) for `as_of` (today when empty); `dunning_run_execute` does the
    work — at once (API, beat task) or in a task whose progress the page shows."""
    return DunningRun.objects.create(as_of=as_of_clean(as_of), started_by=by)


# Customers per transaction of a run: their rows locked, their due invoices read, their notices,
# lines, outbox messages and events written in a fixed number of statements (not ten per customer).
BATCH_SIZE = 200


def dunning_run_execute(*, run_id: int) -> DunningRun:
    """Send the notices of a run, `BATCH_SIZE` customers per transaction (its progress is visible
    while it runs, and what is sent stays sent if a later batch fails). Safe to run again: a
    finished run is left alone, and customers that already got their notice are not due."""
    run = DunningRun.objects.get(pk=run_id)
    if run.status != DunningRun.Status.RUNNING:
        return run
    levels = dunning_level_list(active=True)
    customer_ids = sorted(
        set(due_invoice_rows(as_of=run.as_of, levels=levels).order_by().values_list("customer_id", flat=True))
    )
    DunningRun.objects.filter(pk=run_id).update(
        customers_total=len(customer_ids), customers_done=0, notices_sent=run.notices.count()
    )
    try:
        for start in range(0, len(customer_ids), BATCH_SIZE):
            batch = customer_ids[start : start + BATCH_SIZE]
            sent = _customers_dun(run=run, customer_ids=batch, levels=levels)
            DunningRun.objects.filter(pk=run_id).update(
                customers_done=F("customers_done") + len(batch), notices_sent=F("notices_sent") + sent
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


def _customers_dun(*, run: DunningRun, customer_ids: list[int], levels: list[DunningLevel]) -> int:
    """The notices of a batch of customers (how many were sent), selected again under their row
    locks. Should another run have written one of them meanwhile (IntegrityError), the batch is
    rolled back and done one customer at a time, each as `_customer_dun` decides."""
    try:
        with transaction.atomic():
            customers = {
                customer.pk: customer for customer in locks.customers_lock(customer_ids=customer_ids)
            }
            per_customer: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row in due_invoice_rows(as_of=run.as_of, levels=levels, customer_ids=list(customers)):
                per_customer[row["customer_id"]].append(row)
            levels_by_days = {level.days_overdue: level for level in levels}
            dues = [due_notice_of(per_customer[pk], levels_by_days) for pk in sorted(per_customer)]
            _notices_write(run=run, dues=dues, customers=customers)
            return len(dues)
    except IntegrityError:
        return sum(
            1
            for customer_id in customer_ids
            if _customer_dun(run=run, customer_id=customer_id, levels=levels) is not None
        )


def _notices_write(
    *, run: DunningRun, dues: list[DueNotice], customers: dict[int, Customer]
) -> list[DunningNotice]:
    """Write the notices of `dues` (their customers locked by the caller): the notices, their
    lines, the customers their level blocks, the e-mails through the outbox and the events."""
    notices = DunningNotice.objects.bulk_create(
        DunningNotice(
            customer=customers[due.customer_id],
            level=due.level,
            run=run,
            as_of=run.as_of,
            total=due.total,
            currency=due.currency,
        )
        for due in dues
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
        for notice, due in zip(notices, dues, strict=True)
        for invoice in due.invoices
    )
    customers_block(customer_ids=[due.customer_id for due in dues if due.blocks_customer])
    outbox_enqueue_many(
        kind=DUNNING_NOTICE_DELIVERY, payloads=[{"notice_id": notice.pk} for notice in notices]
    )
    event_emit_many("dunning.notice_sent", notices)
    return notices


def dunning_run(*, as_of: date | str | None = None, by: User | None = None) -> DunningRun:
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
            rows = list(due_invoice_rows(as_of=run.as_of, levels=levels, customer_id=customer.pk))
            if not rows:
                return None
            due = due_notice_of(rows, levels_by_days)
            (notice,) = _notices_write(run=run, dues=[due], customers={customer.pk: customer})
            return notice
    except IntegrityError:
        # A notice of this level and date, or a line of this level, was written by another run
        # between our read and our write: that run sent it, so there is nothing to send.
        return None
