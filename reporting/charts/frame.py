"""The parts every chart shares: colours and type, `Series`, the numbers on the axes, the SVG
frame (title, desc, patterns, legend), the value axis and its gridlines."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | int | float | None

TEXT = "#212529"
MUTED = "#5c636a"
GRID = "#d9dde1"
ZERO_LINE = "#6c757d"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # average width of a character at FONT_SIZE, to lay labels out without a browser

# Colours for series without their own, darkest to lightest, each far enough from its neighbours in
# lightness to stay apart in greyscale; patterns (below) do the rest.
PALETTE = ("#1f4e79", "#e08a2c", "#5b9bd5", "#7a3b69", "#9ccc65", "#444444")
# Fill patterns by series index: None (solid), diagonal hatching, dots, cross-hatching.
PATTERNS = (None, "hatch", None, "dots", None, "cross")
# Line styles by series index: dash array and marker shape.
DASHES = ("", "6 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")

EMPTY_TEXT = "No data yet"


@dataclass(frozen=True)
class Series:
    """One named row of figures, one per category (None: no figure there)."""

    name: str
    values: Sequence[Number]
    color: str | None = None
    pattern: str | None = "auto"  # "auto": by the series' index; None: solid; "hatch", "dots", "cross"


# ── numbers ───────────────────────────────────────────────────────────────────────────────────────


def format_value(value: Number, unit: str = "") -> str:
    """A figure as the pages show it: two decimals, thousands separators ("1,234.50"); — if None."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.2f}"
    return f"{text} {unit}".rstrip() if unit and unit != "%" else f"{text}{unit}"


def _tick_label(value: float, step: float) -> str:
    """An axis label, shorter than a value label: 12,500 → 12.5k, 2,000,000 → 2M, 0.5 → 0.5."""
    size = abs(value)
    if size >= 1_000_000:
        text = f"{value / 1_000_000:,.2f}".rstrip("0").rstrip(".") + "M"
    elif size >= 10_000:
        text = f"{value / 1_000:,.2f}".rstrip("0").rstrip(".") + "k"
    elif step < 1:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:,.0f}"
    return "0" if text in ("-0", "0") else text


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks (1, 2, 2.5 or 5 × 10ⁿ apart) covering [low, high], zero always among them."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if (high - low) / step <= count:
            break
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    return [first + index * step for index in range(round((last - first) / step) + 1)]


def _numbers(values) -> list[float]:
    return [float(value) for value in values if value is not None]


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * CHAR_WIDTH * size / FONT_SIZE


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


# ── the frame: svg element, title, desc, patterns, legend ────────────────────────────────────────


class _Chart:
    def __init__(self, *, title: str, desc: str, chart_id: str | None, width: int, height: int):
        self.id = _slug(chart_id or title)
        self.title, self.desc = title, desc
        self.width, self.height = width, height
        self.defs: list[str] = []
        self.body: list[str] = []

    def fill(self, index: int, series: Series) -> str:
        """The fill of a series: its colour, or a pattern over it (defined once in <defs>)."""
        color = series.color or PALETTE[index % len(PALETTE)]
        pattern = PATTERNS[index % len(PATTERNS)] if series.pattern == "auto" else series.pattern
        if not pattern:
            return escape(color)
        pattern_id = f"{self.id}-pattern-{index}"
        marks = {
            "hatch": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.6" '
            'stroke-opacity=".75"/>',
            "dots": '<circle cx="3" cy="3" r="1.3" fill="#fff" fill-opacity=".8"/>',
            "cross": '<path d="M0,0 l6,6 M6,0 l-6,6" stroke="#fff" stroke-width="1.1" stroke-opacity=".75"/>',
        }[pattern]
        self.defs.append(
            f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f'<rect width="6" height="6" fill="{escape(color)}"/>{marks}</pattern>'
        )
        return f"url(#{pattern_id})"

    def legend(
        self, entries: Sequence[tuple[str, Callable[[float, float], str]]], *, y: float, x: float
    ) -> None:
        """Legend items (name, mark(x, y) drawing its 12-pixel sample), wrapping onto more rows."""
        left = x
        for name, mark in entries:
            item_width = 18 + _text_width(name) + 16
            if x + item_width > self.width - 4 and x > left:
                x, y = left, y + 18
            self.body.append(
                f'<g class="legend-item">{mark(x, y)}<text x="{x + 18:.1f}" y="{y:.1f}" fill="{TEXT}">'
                f"{escape(name)}</text></g>"
            )
            x += item_width

    @staticmethod
    def legend_rows(names: Sequence[str], width: float) -> int:
        rows, x = 1, 0.0
        for name in names:
            item_width = 18 + _text_width(name) + 16
            if x + item_width > width - 8 and x > 0:
                rows, x = rows + 1, 0.0
            x += item_width
        return rows

    def render(self, *, css_class: str) -> SafeString:
        title_id, desc_id = f"{self.id}-title", f"{self.id}-desc"
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return mark_safe(  # noqa: S308 — every text inside went through escape()
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" id="{self.id}" '
            f'viewBox="0 0 {self.width} {self.height}" width="100%" preserveAspectRatio="xMidYMid meet" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="{escape(FONT)}" '
            f'font-size="{FONT_SIZE}">'  # sized by svg.chart in static/css/o2c.css: no style attribute (CSP)
            f'<title id="{title_id}">{escape(self.title)}</title>'
            f'<desc id="{desc_id}">{escape(self.desc)}</desc>{defs}{"".join(self.body)}</svg>'
        )


def _empty(chart: _Chart, message: str) -> SafeString:
    chart.body.append(
        f'<rect x="1" y="1" width="{chart.width - 2}" height="{chart.height - 2}" rx="6" fill="#f8f9fa" '
        f'stroke="{GRID}" stroke-dasharray="4 3"/>'
        f'<text x="{chart.width / 2:.1f}" y="{chart.height / 2 + 5:.1f}" text-anchor="middle" '
        f'fill="{MUTED}" font-size="15">{escape(message)}</text>'
    )
    return chart.render(css_class="chart-empty")


def _describe(categories: Sequence[str], series: Sequence[Series], unit: str) -> str:
    parts = []
    for index, category in enumerate(categories):
        figures = [
            (f"{line.name} " if len(series) > 1 else "") + format_value(line.values[index], unit)
            for line in series
        ]
        parts.append(f"{category}: {', '.join(figures)}")
    return "; ".join(parts) + "."


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    for line in series:
        if len(line.values) != len(categories):
            raise ValueError(
                f"series {line.name!r} has {len(line.values)} values for {len(categories)} categories"
            )


class _ValueAxis:
    """A value axis from `start` to `end` pixels (either direction) over round ticks."""

    def __init__(self, values: Sequence[float], start: float, end: float):
        self.ticks = nice_ticks(min(values, default=0.0), max(values, default=0.0))
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else 1.0
        self.start, self.end = start, end

    def at(self, value: float) -> float:
        return self.start + (self.end - self.start) * (value - self.low) / (self.high - self.low)

    def label(self, tick: float) -> str:
        return _tick_label(tick, self.step)

    def label_width(self) -> float:
        return max(_text_width(self.label(tick)) for tick in self.ticks)


def _category_labels(categories: Sequence[str], band: float) -> int:
    """Show every n-th category label so that they do not overlap."""
    widest = max((_text_width(category) for category in categories), default=0.0) + 8
    return max(1, math.ceil(widest / band)) if band > 0 else 1


def _swatch(fill: str) -> Callable[[float, float], str]:
    def sample(x: float, y: float) -> str:
        return (
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{fill}" stroke="{TEXT}" '
            f'stroke-width=".5"/>'
        )

    return sample


def _grid(chart: _Chart, axis: _ValueAxis, left: float, right: float, *, horizontal_bars: bool) -> None:
    """Gridlines at each tick with its label; for horizontal bars they run top to bottom."""
    for tick in axis.ticks:
        position = axis.at(tick)
        color, line_width = (ZERO_LINE, 1.2) if abs(tick) < 1e-12 else (GRID, 1)
        label = escape(axis.label(tick))
        if horizontal_bars:
            chart.body.append(
                f'<line x1="{position:.1f}" x2="{position:.1f}" y1="{left:.1f}" y2="{right:.1f}" '
                f'stroke="{color}" stroke-width="{line_width}"/>'
                f'<text x="{position:.1f}" y="{right + 15:.1f}" text-anchor="middle" fill="{MUTED}" '
                f'font-size="11">{label}</text>'
            )
        else:
            chart.body.append(
                f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{position:.1f}" y2="{position:.1f}" '
                f'stroke="{color}" stroke-width="{line_width}"/>'
                f'<text x="{left - 6:.1f}" y="{position + 4:.1f}" text-anchor="end" fill="{MUTED}" '
                f'font-size="11">{label}</text>'
            )
