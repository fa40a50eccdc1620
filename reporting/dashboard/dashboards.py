"""The home pages' dashboards: each gathers its panels' figures (selectors), tiles and charts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from o2c.money import ZERO_CENTS as ZERO
from reporting.aging import aging_report
from reporting.dashboard.charts import aging_chart, cash_chart, dso_chart, pipeline_chart
from reporting.dashboard.selectors import (
    AGING_MONTHS,
    COMPARE_DAYS,
    DSO_DAYS,
    TREND_MONTHS,
    AgingOn,
    aging_history,
    cash_per_week,
    dso_trend,
    hold_queue,
    late_orders,
    late_shipments,
    month_ends,
    open_disputes,
    order_pipeline,
    receivable_figures,
    top_customers,
    top_overdue,
)
from reporting.dashboard.tiles import kpi_tiles, pipeline_linked, receivable_tiles
from reporting.kpis import kpis
from reporting.snapshots import snapshot_kpis


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
    pipeline = pipeline_linked(order_pipeline(today=today))
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
    today_figures, then_figures = receivable_figures(today=today, totals=report.totals, aging_on=aging_on)
    return {
        "today": today,
        "compare_day": today - timedelta(days=COMPARE_DAYS),
        "tiles": receivable_tiles(now=today_figures, then=then_figures),
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
    pipeline = pipeline_linked(order_pipeline(today=today, user_id=getattr(user, "pk", None)))
    return {
        "today": today,
        "month_start": today.replace(day=1),
        "pipeline": pipeline,
        "pipeline_chart": pipeline_chart(pipeline),
        "holds": hold_queue(now=now),
        "top_customers": top_customers(today=today),
        "late_orders": late_orders(today=today),
    }
