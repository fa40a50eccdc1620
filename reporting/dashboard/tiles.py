"""The dashboards' tiles and links: each key figure with its change and the page it opens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.urls import NoReverseMatch, reverse

from reporting.charts import format_value
from reporting.dashboard.selectors import DSO_DAYS, PipelineRow
from reporting.kpis import KPIs


def page_url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


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
    aging, dso = page_url("reporting:aging"), page_url("reporting:dso")
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
            f"{format_value(now.overdue)} past due",
        ),
        Tile(
            "o2c_cycle",
            "Order to cash",
            now.o2c_cycle_days_median,
            then.o2c_cycle_days_median,
            "days",
            "lower",
            page_url("reporting:cycle-times"),
            "median, order date to paid",
        ),
        Tile(
            "on_time",
            "On-time delivery",
            now.on_time_delivery_rate,
            then.on_time_delivery_rate,
            "percent",
            "higher",
            page_url("reporting:fulfilment"),
            "delivered by the promised date",
        ),
        Tile(
            "orders_on_hold",
            "Orders on hold",
            now.orders_on_hold,
            then.orders_on_hold,
            "count",
            "lower",
            page_url("credit:holds"),
            f"{format_value(now.orders_on_hold_value)} held",
        ),
    ]


def receivable_tiles(*, now: dict[str, Decimal | None], then: dict[str, Decimal | None]) -> list[Tile]:
    """The finance tiles from reporting.dashboard.selectors.receivable_figures."""
    aging = page_url("reporting:aging")
    return [
        Tile(
            "receivables",
            "Receivables",
            now["receivables"],
            then["receivables"],
            "money",
            "",
            aging,
            "open invoices",
        ),
        Tile(
            "overdue",
            "Overdue",
            now["overdue"],
            then["overdue"],
            "money",
            "lower",
            aging,
            "past due, undisputed",
        ),
        Tile(
            "disputed",
            "Disputed",
            now["disputed"],
            then["disputed"],
            "money",
            "lower",
            page_url("receivables:disputes"),
        ),
        Tile(
            "unapplied",
            "Unapplied cash",
            now["unapplied"],
            then["unapplied"],
            "money",
            "lower",
            page_url("receivables:payments"),
            "received, not yet applied",
        ),
        Tile(
            "dso",
            "DSO",
            now["dso"],
            then["dso"],
            "days",
            "lower",
            page_url("reporting:dso"),
            f"{DSO_DAYS}-day window",
        ),
    ]


def pipeline_linked(rows: Sequence[PipelineRow]) -> list[PipelineRow]:
    """The pipeline's rows, each linked to the list of its orders."""
    return [replace(row, href=page_url("orders:list", f"status={row.status}")) for row in rows]
