"""The figures of the home-page dashboards (issue 7; docs/decisions/0020-dashboard-charts.md).

One function per panel, each returning plain data (dataclasses, lists) from SQL aggregates or the
report functions, and one function per home page that gathers its panels and draws their charts
(reporting/charts.py):

- `manager_dashboard`: KPI tiles with their change against 30 days ago, the DSO trend over twelve
  month-ends, aging per month-end as stacked bars, the order pipeline by status, cash collected
  per week, the top overdue customers, late shipments and the credit-hold queue;
- `finance_dashboard`: receivable tiles, aging bars, cash per week, the hold queue, open disputes,
  the top overdue customers;
- `sales_dashboard`: the pipeline (with the user's own orders), held orders, the top customers
  by sales this month, late orders.

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

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse

from fulfillment.selectors import shipment_list
from orders.selectors import order_list
from receivables.disputes.selectors import dispute_list
from reporting import charts
from reporting.aging import BUCKET_LABELS, BUCKETS, AgingReport, AgingRow, aging_report, aging_totals
from reporting.dso import ratio_days
from reporting.kpis import KPIs, kpis
from reporting.models import KpiSnapshot
from reporting.operations import CashWeek, HeldOrder, SalesRow, cash_report, credit_hold_report, sales_report
from reporting.snapshots import DEFAULT_DAYS, snapshot_kpis, snapshot_on, snapshot_series

ZERO = Decimal("0.00")
DSO_DAYS = DEFAULT_DAYS  # the window of the DSO on the tiles and the trend: as the nightly snapshots
COMPARE_DAYS = 30  # tiles show their change against this many days ago ("last month")
TREND_MONTHS = 12
AGING_MONTHS = 6
CASH_WEEKS = 12
TOP_OVERDUE = 10
OLDEST = 5  # rows of the late and hold lists
TOP_CUSTOMERS = 5
CLOSED_DAYS = 30  # the pipeline's "closed" bar: orders fully paid in the last 30 days

# Aging colours from light (current) to dark (over 90): the order shows in greyscale too;
# charts.PATTERNS hatches every other one.
AGING_COLORS = {
    "current": "#b7dfc2",
    "days_1_30": "#f1c453",
    "days_31_60": "#e0823a",
    "days_61_90": "#b93a32",
    "days_over_90": "#4f1a17",
    "disputed": "#8a6bbd",
}

PIPELINE_STATUSES = (
    ("draft", "Draft"),
    ("on_hold", "On hold"),
    ("open", "Open"),
    ("fulfilled", "Fulfilled"),
    ("closed", f"Closed ({CLOSED_DAYS} days)"),
)


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def month_ends(today: date, count: int) -> list[date]:
    """The last day of each of the `count` months before today's month, oldest first."""
    first_of_month = today.replace(day=1)
    return [first_of_month - relativedelta(months=k) - timedelta(days=1) for k in range(count - 1, -1, -1)]


def month_label(day: date) -> str:
    return day.strftime("%b %y")


# ── KPI tiles ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Tile:
    """One key figure with the same figure `COMPARE_DAYS` days before."""

    key: str
    label: str
    value: Decimal | int | None
    previous: Decimal | int | None
    kind: str  # "money", "days", "percent" or "count"
    better: str = ""  # "lower", "higher" or "" (neither)
    href: str | None = None
    note: str = ""

    @property
    def delta(self) -> Decimal | int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def direction(self) -> str | None:
        """ "up", "down" or "flat"; None when either figure is missing."""
        delta = self.delta
        if delta is None:
            return None
        return "up" if delta > 0 else "down" if delta < 0 else "flat"

    @property
    def tone(self) -> str:
        """ "good", "bad" or "neutral": whether the change is for the better."""
        if self.direction in (None, "flat") or not self.better:
            return "neutral"
        return "good" if (self.direction == "down") == (self.better == "lower") else "bad"

    @property
    def unit(self) -> str:
        return {"days": "days", "percent": "%"}.get(self.kind, "")


def kpi_tiles(*, now: KPIs, then: KPIs) -> list[Tile]:
    """The manager's tiles from the KPIs of today and of `COMPARE_DAYS` days ago."""
    aging, dso = _url("reporting:aging"), _url("reporting:dso")
    return [
        Tile("dso", "DSO", now.dso, then.dso, "days", "lower", dso, f"{now.days}-day window"),
        Tile("cei", "CEI", now.cei, then.cei, "percent", "higher", dso, "collection effectiveness"),
        Tile(
            "receivables",
            "Receivables",
            now.receivables,
            then.receivables,
            "money",
            "",
            aging,
            "open invoices",
        ),
        Tile(
            "overdue_percent",
            "Overdue",
            now.overdue_percent,
            then.overdue_percent,
            "percent",
            "lower",
            aging,
            f"{charts.format_value(now.overdue)} past due",
        ),
        Tile(
            "o2c_cycle",
            "Order to cash",
            now.o2c_cycle_days_median,
            then.o2c_cycle_days_median,
            "days",
            "lower",
            _url("reporting:cycle-times"),
            "median, order date to paid",
        ),
        Tile(
            "on_time",
            "On-time delivery",
            now.on_time_delivery_rate,
            then.on_time_delivery_rate,
            "percent",
            "higher",
            _url("reporting:fulfilment"),
            "delivered by the promised date",
        ),
        Tile(
            "orders_on_hold",
            "Orders on hold",
            now.orders_on_hold,
            then.orders_on_hold,
            "count",
            "lower",
            _url("credit:holds"),
            f"{charts.format_value(now.orders_on_hold_value)} held",
        ),
    ]


# ── credit sales over several windows, aging on several dates ─────────────────────────────────

_SALES_WINDOWS = """
SELECT p.end_d,
       COALESCE((SELECT SUM(total) FROM invoicing_invoice WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
     - COALESCE((SELECT SUM(total) FROM invoicing_creditnote WHERE issue_date BETWEEN p.start_d AND p.end_d), 0)
  FROM unnest(%(starts)s::date[], %(ends)s::date[]) AS p(start_d, end_d)
"""


def credit_sales_windows(*, ends: Sequence[date], days: int) -> dict[date, Decimal]:
    """reporting.dso.credit_sales over the `days` days ending on each date, in one statement."""
    if not ends:
        return {}
    starts = [end - timedelta(days=days - 1) for end in ends]
    return dict(_fetch(_SALES_WINDOWS, {"starts": starts, "ends": list(ends)}))


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


# ── DSO trend ───────────────────────────────────────────────────────────────────────────────────


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
            points.append(TrendPoint(day, month_label(day), stored[day], from_snapshot=True))
        else:
            dso = ratio_days(aging_on(day).open_balance, sales[day], DSO_DAYS)
            points.append(TrendPoint(day, month_label(day), dso))
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
    return [AgingBar(day, "Today" if day == today else month_label(day), aging_on(day)) for day in days]


# ── order pipeline ──────────────────────────────────────────────────────────────────────────────

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
    href: str | None = None


def order_pipeline(*, today: date, user_id: int | None = None) -> list[PipelineRow]:
    """Orders (count and gross value) per status: draft, on hold, open, fulfilled, and those
    closed — fully paid — in the last CLOSED_DAYS days; `mine` counts those `user_id` entered.
    One statement."""
    found = {
        row[0]: row
        for row in _fetch(
            _PIPELINE, {"user_id": user_id, "closed_since": today - timedelta(days=CLOSED_DAYS - 1)}
        )
    }
    rows = []
    for status, label in PIPELINE_STATUSES:
        _, count, value, mine = found.get(status, (status, 0, ZERO, 0))
        rows.append(PipelineRow(status, label, count, value, mine, _url("orders:list", f"status={status}")))
    return rows


# ── cash collected per week ─────────────────────────────────────────────────────────────────────


def cash_per_week(*, today: date, weeks: int = CASH_WEEKS) -> list[CashWeek]:
    """Payments received less payments reversed, per ISO week, the last `weeks` weeks (this one
    so far included). reporting.operations.cash_report: one statement."""
    monday = today - timedelta(days=today.weekday())
    return cash_report(start=monday - timedelta(weeks=weeks - 1), end=today).weeks


def week_label(week: CashWeek) -> str:
    return f"{week.week_start.day} {week.week_start:%b}"


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
            customer_id=row.customer_id,
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
    rows: list = field(default_factory=list)
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
        shipment.days_late = (
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
        order.days_late = (today - requested).days if requested else None
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


def receivable_tiles(*, today: date, totals: AgingRow, aging_on: AgingOn | None = None) -> list[Tile]:
    """Receivables, overdue, disputed, unapplied cash and DSO today, each against COMPARE_DAYS
    days ago (the snapshot of that day when there is one, else computed: two statements)."""
    aging_on = aging_on or AgingOn()
    before = today - timedelta(days=COMPARE_DAYS)
    sales = credit_sales_windows(ends=[today, before], days=DSO_DAYS)
    dso = ratio_days(totals.open_balance, sales[today], DSO_DAYS)
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
    aging = _url("reporting:aging")
    return [
        Tile(
            "receivables",
            "Receivables",
            totals.open_balance,
            then["receivables"],
            "money",
            "",
            aging,
            "open invoices",
        ),
        Tile(
            "overdue",
            "Overdue",
            totals.overdue,
            then["overdue"],
            "money",
            "lower",
            aging,
            "past due, undisputed",
        ),
        Tile(
            "disputed",
            "Disputed",
            totals.disputed,
            then["disputed"],
            "money",
            "lower",
            _url("receivables:disputes"),
        ),
        Tile(
            "unapplied",
            "Unapplied cash",
            totals.unapplied,
            then["unapplied"],
            "money",
            "lower",
            _url("receivables:payments"),
            "received, not yet applied",
        ),
        Tile(
            "dso", "DSO", dso, then["dso"], "days", "lower", _url("reporting:dso"), f"{DSO_DAYS}-day window"
        ),
    ]


# ── charts ──────────────────────────────────────────────────────────────────────────────────────


def dso_chart(points: Sequence[TrendPoint]):
    return charts.line_chart(
        title="DSO at each month-end (days)",
        categories=[point.label for point in points],
        series=[charts.Series("DSO", [point.dso for point in points])],
        unit="days",
        chart_id="dso-trend",
        empty_text="No DSO yet: no credit sales in the last twelve months",
    )


def aging_chart(bars: Sequence[AgingBar]):
    names = {**BUCKET_LABELS, "disputed": "Disputed"}
    return charts.stacked_bar_chart(
        title="Open receivables by age at each month-end",
        categories=[bar.label for bar in bars],
        series=[
            charts.Series(names[key], [bar.segments()[key] for bar in bars], color=AGING_COLORS[key])
            for key in (*BUCKETS, "disputed")
        ],
        chart_id="aging-history",
        empty_text="Nothing open yet",
    )


def cash_chart(weeks: Sequence[CashWeek]):
    shown = list(weeks) if any(week.payments or week.reversals for week in weeks) else []
    return charts.bar_chart(
        title="Cash collected per week (received less reversed)",
        categories=[week_label(week) for week in shown],
        values=[week.net_collected for week in shown],
        chart_id="cash-per-week",
        empty_text="No payments in the last twelve weeks",
        desc="Cash collected in the weeks starting "
        + "; ".join(f"{week_label(week)}: {charts.format_value(week.net_collected)}" for week in shown)
        + ".",
    )


def pipeline_chart(rows: Sequence[PipelineRow]):
    shown = list(rows) if any(row.count for row in rows) else []
    return charts.bar_chart(
        title="Orders by status (gross value)",
        categories=[row.label for row in shown],
        values=[row.value for row in shown],
        value_texts=[f"{row.count:,} · {charts.format_value(row.value)}" for row in shown],
        horizontal=True,
        chart_id="order-pipeline",
        empty_text="No orders yet",
        desc="; ".join(
            f"{row.label}: {row.count:,} orders, {charts.format_value(row.value)}" for row in shown
        )
        + ".",
    )


# ── the pages ───────────────────────────────────────────────────────────────────────────────────


def manager_dashboard(*, today: date, user=None, now: datetime | None = None) -> dict:
    """Everything the manager's home page shows."""
    figures = kpis(as_of=today, days=DSO_DAYS)
    before = snapshot_kpis(as_of=today - timedelta(days=COMPARE_DAYS), days=DSO_DAYS)
    report = aging_report(as_of=today)
    aging_on = AgingOn(
        {today: report.totals}, snapshots_for=month_ends(today, max(TREND_MONTHS, AGING_MONTHS))
    )
    trend = dso_trend(today=today, today_dso=figures.dso, aging_on=aging_on)
    aging = aging_history(today=today, aging_on=aging_on)
    pipeline = order_pipeline(today=today)
    weeks = cash_per_week(today=today)
    return {
        "today": today,
        "compare_day": before.as_of,
        "tiles": kpi_tiles(now=figures, then=before),
        "trend": trend,
        "trend_chart": dso_chart(trend),
        "aging": aging,
        "aging_chart": aging_chart(aging),
        "aging_totals": report.totals,
        "pipeline": pipeline,
        "pipeline_chart": pipeline_chart(pipeline),
        "weeks": weeks,
        "cash_chart": cash_chart(weeks),
        "cash_total": sum((week.net_collected for week in weeks), ZERO),
        "top_overdue": top_overdue(report=report),
        "late_shipments": late_shipments(today=today),
        "holds": hold_queue(now=now),
    }


def finance_dashboard(*, today: date, user=None, now: datetime | None = None) -> dict:
    """The receivables part of the dashboard, for finance."""
    report = aging_report(as_of=today)
    aging_on = AgingOn({today: report.totals}, snapshots_for=month_ends(today, AGING_MONTHS))
    aging = aging_history(today=today, aging_on=aging_on)
    weeks = cash_per_week(today=today)
    return {
        "today": today,
        "compare_day": today - timedelta(days=COMPARE_DAYS),
        "tiles": receivable_tiles(today=today, totals=report.totals, aging_on=aging_on),
        "aging": aging,
        "aging_chart": aging_chart(aging),
        "aging_totals": report.totals,
        "weeks": weeks,
        "cash_chart": cash_chart(weeks),
        "cash_total": sum((week.net_collected for week in weeks), ZERO),
        "top_overdue": top_overdue(report=report),
        "holds": hold_queue(now=now),
        "disputes": open_disputes(),
    }


def sales_dashboard(*, today: date, user=None, now: datetime | None = None) -> dict:
    """The orders part of the dashboard, for sales: `mine` counts the user's own orders."""
    pipeline = order_pipeline(today=today, user_id=getattr(user, "pk", None))
    return {
        "today": today,
        "month_start": today.replace(day=1),
        "pipeline": pipeline,
        "pipeline_chart": pipeline_chart(pipeline),
        "holds": hold_queue(now=now),
        "top_customers": top_customers(today=today),
        "late_orders": late_orders(today=today),
    }
