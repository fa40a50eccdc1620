"""The dashboards' charts and their colours (drawn by reporting/charts)."""

from __future__ import annotations

from collections.abc import Sequence

from receivables.open_items.selectors import BUCKET_LABELS, BUCKETS
from reporting import charts
from reporting.dashboard.selectors import AgingBar, PipelineRow, TrendPoint
from reporting.operations.cash import CashWeek

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


def week_label(week: CashWeek) -> str:
    return f"{week.week_start.day} {week.week_start:%b}"


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
