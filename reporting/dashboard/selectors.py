"""The figures of the dashboards' panels (docs/decisions/0020-dashboard-charts.md): plain data
from SQL aggregates and the report functions, no colours, no URLs (reporting/dashboard/tiles.py and
charts.py present them; dashboards.py composes the pages).

The number of SQL statements of a page does not depend on the number of customers, orders or
invoices (tests assert it): the trend reads the nightly KPI snapshots (reporting/snapshots.py) and
computes only the month-ends that have none — one aging aggregate per such date and one statement
for all their credit sales.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, Sum

from fulfillment.selectors import shipment_list
from o2c.money import ZERO_CENTS as ZERO
from orders.selectors import order_list
from receivables.disputes.selectors import dispute_list
from reporting.aging import AgingReport, AgingRow, aging_totals
from reporting.dso import credit_sales_windows, ratio_days
from reporting.models import KpiSnapshot
from reporting.operations.cash import CashWeek, cash_report
from reporting.operations.credit_holds import HeldOrder, credit_hold_report
from reporting.operations.period import fetch, month_label
from reporting.operations.sales import SalesRow, sales_report
from reporting.snapshots import DEFAULT_DAYS, snapshot_on, snapshot_series

DSO_DAYS = DEFAULT_DAYS  # the window of the DSO on the tiles and the trend: as the nightly snapshots
COMPARE_DAYS = 30  # tiles show their change against this many days ago ("last month")
TREND_MONTHS = 12
AGING_MONTHS = 6
CASH_WEEKS = 12
TOP_OVERDUE = 10
OLDEST = 5  # rows of the late and hold lists
TOP_CUSTOMERS = 5
CLOSED_DAYS = 30  # the pipeline's "closed" bar: orders fully paid in the last 30 days

PIPELINE_STATUSES = (
    ("draft", "Draft"),
    ("on_hold", "On hold"),
    ("open", "Open"),
    ("fulfilled", "Fulfilled"),
    ("closed", f"Closed ({CLOSED_DAYS} days)"),
)


def month_ends(today: date, count: int) -> list[date]:
    """The last day of each of the `count` months before today's month, oldest first."""
    first_of_month = today.replace(day=1)
    return [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(count - 1, -1, -1)]


class AgingOn:
    """Aging totals by date, each date's aggregate run once however many panels read it; past
    dates with a KPI snapshot read its stored buckets instead (one query for all of them)."""

    def __init__(self, known: dict[date, AgingRow] | None = None, *, snapshots_for: Sequence[date] = ()):
        self.rows: dict[date, AgingRow] = dict(known or {})
        if snapshots_for:
            for snapshot in KpiSnapshot.objects.filter(
                date__in=[d for d in snapshots_for if d not in self.rows]
            ):
                self.rows[snapshot.date] = AgingRow(
                    customer_id=None,
                    code="",
                    name="Total",
                    currency="",
                    current=snapshot.aging_current,
                    days_1_30=snapshot.aging_1_30,
                    days_31_60=snapshot.aging_31_60,
                    days_61_90=snapshot.aging_61_90,
                    days_over_90=snapshot.aging_over_90,
                    disputed=snapshot.disputed,
                    unapplied=snapshot.unapplied,
                )

    def __call__(self, day: date) -> AgingRow:
        if day not in self.rows:
            self.rows[day] = aging_totals(as_of=day)
        return self.rows[day]


# ── DSO trend ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class TrendPoint:
    day: date
    label: str
    dso: Decimal | None
    from_snapshot: bool = False


def dso_trend(
    *, today: date, today_dso: Decimal | None, aging_on: AgingOn | None = None, months: int = TREND_MONTHS
) -> list[TrendPoint]:
    """Standard DSO (DSO_DAYS-day window) at each of the last `months` month-ends and today.

    A month-end with a snapshot over the same window reads it; the others are computed: their
    aging totals (one statement each, shared with the aging panel) and all their credit sales in
    one statement. None where there were no credit sales in the window."""
    aging_on = aging_on or AgingOn()
    ends = month_ends(today, months)
    wanted = set(ends)
    stored = {
        snapshot.date: snapshot.dso
        for snapshot in snapshot_series(start=ends[0], end=ends[-1])
        if snapshot.date in wanted and snapshot.days == DSO_DAYS
    }
    missing = [day for day in ends if day not in stored]
    sales = credit_sales_windows(ends=missing, days=DSO_DAYS)
    points = []
    for day in ends:
        if day in stored:
            points.append(TrendPoint(day, month_label(day, style="short"), stored[day], from_snapshot=True))
        else:
            dso = ratio_days(aging_on(day).open_balance, sales[day], DSO_DAYS)
            points.append(TrendPoint(day, month_label(day, style="short"), dso))
    points.append(TrendPoint(today, "Today", today_dso))
    return points


# ── aging by date ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AgingBar:
    day: date
    label: str
    totals: AgingRow

    def segments(self) -> dict[str, Decimal]:
        return {**self.totals.buckets(), "disputed": self.totals.disputed}


def aging_history(
    *, today: date, aging_on: AgingOn | None = None, months: int = AGING_MONTHS
) -> list[AgingBar]:
    """The aging totals at each of the last `months` month-ends and today, oldest first."""
    aging_on = aging_on or AgingOn()
    days = [*month_ends(today, months), today]
    return [
        AgingBar(day, "Today" if day == today else month_label(day, style="short"), aging_on(day))
        for day in days
    ]


# ── order pipeline ────────────────────────────────────────────────────────────────────────────────

_PIPELINE = """
SELECT status, count(*), COALESCE(SUM(total), 0), count(*) FILTER (WHERE created_by_id = %(user_id)s)
  FROM orders_salesorder WHERE status IN ('draft', 'on_hold', 'open', 'fulfilled')
 GROUP BY status
UNION ALL
SELECT 'closed', count(*), COALESCE(SUM(total), 0), count(*) FILTER (WHERE created_by_id = %(user_id)s)
  FROM orders_salesorder WHERE status = 'closed' AND paid_on >= %(closed_since)s
"""


@dataclass(frozen=True)
class PipelineRow:
    status: str
    label: str
    count: int = 0
    value: Decimal = ZERO
    mine: int = 0  # entered by the user asked about
    href: str | None = None  # the list of those orders: set by reporting.dashboard.tiles


def order_pipeline(*, today: date, user_id: int | None = None) -> list[PipelineRow]:
    """Orders (count and gross value) per status: draft, on hold, open, fulfilled, and those
    closed — fully paid — in the last CLOSED_DAYS days; `mine` counts those `user_id` entered.
    One statement."""
    found = {
        row[0]: row
        for row in fetch(
            _PIPELINE, {"user_id": user_id, "closed_since": today - timedelta(days=CLOSED_DAYS - 1)}
        )
    }
    rows = []
    for status, label in PIPELINE_STATUSES:
        _, count, value, mine = found.get(status, (status, 0, ZERO, 0))
        rows.append(PipelineRow(status, label, count, value, mine))
    return rows


# ── cash collected per week ─────────────────────────────────────────────────────────────────────


def cash_per_week(*, today: date, weeks: int = CASH_WEEKS) -> list[CashWeek]:
    """Payments received less payments reversed, per ISO week, the last `weeks` weeks (this one
    so far included). reporting.operations.cash_report: one statement."""
    monday = today - timedelta(days=today.weekday())
    return cash_report(start=monday - timedelta(weeks=weeks - 1), end=today).weeks


# ── customers ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OverdueCustomer:
    customer_id: int
    code: str
    name: str
    overdue: Decimal  # past due, undisputed
    over_60: Decimal  # of which more than 60 days past due
    open_balance: Decimal  # every open invoice balance, disputed included


def top_overdue(*, report: AgingReport, limit: int = TOP_OVERDUE) -> list[OverdueCustomer]:
    """The customers owing the most past due (undisputed, due before the report's date), from an
    aging report already read."""
    rows = [
        OverdueCustomer(
            customer_id=row.customer_id,  # type: ignore[arg-type]  # customer rows have their id
            code=row.code,
            name=row.name,
            overdue=row.overdue,
            over_60=row.days_61_90 + row.days_over_90,
            open_balance=row.open_balance,
        )
        for row in report.customers
        if row.overdue > 0
    ]
    rows.sort(key=lambda row: (-row.overdue, row.code))
    return rows[:limit]


def top_customers(*, today: date, limit: int = TOP_CUSTOMERS) -> list[SalesRow]:
    """The customers with the most net sales this month (invoices less credit notes, net of tax).
    reporting.operations.sales_report by customer: one statement."""
    report = sales_report(start=today.replace(day=1), end=today, by="customer")
    return [row for row in report.rows if row.id is not None and row.net_sales > 0][:limit]


# ── late shipments and orders, holds, disputes ──────────────────────────────────────────────────


@dataclass
class ListPanel:
    """A count, an amount where it makes sense, and the oldest few rows."""

    count: int
    rows: list[Any] = field(default_factory=list)
    value: Decimal | None = None
    average_days: Decimal | None = None


def late_shipments(*, today: date, limit: int = OLDEST) -> ListPanel:
    """Shipments on the road past their estimated delivery (or flagged late by the hourly task)
    and not delivered: the count and the `limit` longest overdue, each with `days_late`. Two
    statements."""
    late = shipment_list(filters={"status": "shipped"}).filter(Q(late=True) | Q(estimated_delivery__lt=today))
    count = late.count()
    rows = list(late.prefetch_related(None).order_by("estimated_delivery", "pk")[:limit])
    for shipment in rows:
        shipment.days_late = (  # type: ignore[attr-defined]  # for the panel
            (today - shipment.estimated_delivery).days if shipment.estimated_delivery else None
        )
    return ListPanel(count=count, rows=rows)


def late_orders(*, today: date, limit: int = OLDEST) -> ListPanel:
    """Open orders whose requested delivery date passed before they shipped, oldest first. Two
    statements."""
    late = order_list(filters={"late": True, "status": "open"})
    summary = late.aggregate(count=Count("pk"), value=Sum("total"))
    rows = list(late.order_by("requested_delivery_date", "submitted_at", "pk")[:limit])
    for order in rows:
        requested = order.requested_delivery_date
        order.days_late = (today - requested).days if requested else None  # type: ignore[attr-defined]
    return ListPanel(count=summary["count"], rows=rows, value=summary["value"] or ZERO)


def hold_queue(*, now: datetime | None = None, limit: int = OLDEST) -> ListPanel:
    """Orders on credit hold: count, value, average days on hold and the `limit` held longest
    (reporting.operations.credit_hold_report: one statement)."""
    report = credit_hold_report(now=now)
    rows: list[HeldOrder] = report.orders[:limit]
    return ListPanel(
        count=report.count, rows=rows, value=report.value, average_days=report.average_days_on_hold
    )


def open_disputes() -> ListPanel:
    """How many disputes are open and the amount they hold back. One statement."""
    summary = dispute_list(filters={"status": "open"}).aggregate(count=Count("pk"), value=Sum("amount"))
    return ListPanel(count=summary["count"], value=summary["value"] or ZERO)


# ── receivable tiles (finance) ──────────────────────────────────────────────────────────────────


def receivable_figures(
    *, today: date, totals: AgingRow, aging_on: AgingOn | None = None
) -> tuple[dict[str, Decimal | None], dict[str, Decimal | None]]:
    """Receivables, overdue, disputed, unapplied cash and DSO today and COMPARE_DAYS days ago (the
    snapshot of that day when there is one, else computed: two statements)."""
    aging_on = aging_on or AgingOn()
    before = today - timedelta(days=COMPARE_DAYS)
    sales = credit_sales_windows(ends=[today, before], days=DSO_DAYS)
    now = {
        "receivables": totals.open_balance,
        "overdue": totals.overdue,
        "disputed": totals.disputed,
        "unapplied": totals.unapplied,
        "dso": ratio_days(totals.open_balance, sales[today], DSO_DAYS),
    }
    snapshot = snapshot_on(before)
    if snapshot is not None and snapshot.days == DSO_DAYS:
        then = {
            "receivables": snapshot.receivables,
            "overdue": snapshot.overdue,
            "disputed": snapshot.disputed,
            "unapplied": snapshot.unapplied,
            "dso": snapshot.dso,
        }
    else:
        past = aging_on(before)
        then = {
            "receivables": past.open_balance,
            "overdue": past.overdue,
            "disputed": past.disputed,
            "unapplied": past.unapplied,
            "dso": ratio_days(past.open_balance, sales[before], DSO_DAYS),
        }
    return now, then
