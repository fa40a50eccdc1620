"""Server-side SVG charts for the dashboards (docs/decisions/0020-dashboard-charts.md).

Pure functions from figures to SVG markup: `line_chart` (the DSO trend), `bar_chart` (cash per
week, the order pipeline; vertical or horizontal) and `stacked_bar_chart` (aging by bucket per
date). No JavaScript and no library: the page carries the chart itself, so it shows the same on
screen, in print and in a saved PDF, and a test can parse it.

Every chart has:
- `role="img"` with a `<title>` and a `<desc>` (a plain-text reading of every figure) referenced by
  `aria-labelledby`, and each bar or point its own `<title>` (the browser's tooltip);
- axes with round ticks, light gridlines, a darker zero line, value labels with two decimals and
  thousands separators, and a legend when there is more than one series;
- explicit colours of clearly different lightness, and hatching or dots on every other series, so
  that a greyscale print still tells the series apart; lines differ in dash and marker too;
- every text escaped (customer names, labels and titles may hold `<`, `&` or quotes);
- a friendly "No data yet" in place of the plot when there is nothing to draw.

Figures stay Decimal until they become pixel positions here; only positions are floats.
"""

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


# ── line chart ────────────────────────────────────────────────────────────────────────────────────


def _marker(shape: str, x: float, y: float, color: str, tooltip: str = "") -> str:
    """A point of a line: circle, square, triangle or diamond, with its tooltip."""
    title = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    paint = f'fill="{color}" stroke="#fff" stroke-width="1"'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {paint}>{title}</rect>'
    if shape == "triangle":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} l4.5,8 h-9 z" {paint}>{title}</path>'
    if shape == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" {paint}>{title}</path>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.8" {paint}>{title}</circle>'


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    desc: str | None = None,
    chart_id: str | None = None,
    value_labels: bool = True,
    width: int = 640,
    height: int = 260,
    empty_text: str = EMPTY_TEXT,
) -> SafeString:
    """One line per series across the categories (in order); None breaks the line. Each point has
    its value written above it (unless `value_labels` is off) and in its tooltip."""
    _check(categories, series)
    values = [value for line in series for value in _numbers(line.values)]
    chart = _Chart(
        title=title,
        desc=desc or _describe(categories, series, unit),
        chart_id=chart_id,
        width=width,
        height=height,
    )
    if not categories or not values:
        return _empty(chart, empty_text)
    legend_height = 22 * _Chart.legend_rows([line.name for line in series], width) if len(series) > 1 else 0
    top, bottom = 22 + legend_height, height - 30
    axis = _ValueAxis(values, bottom, top)
    # the first and last points sit half a label in, so that their labels stay inside the chart
    inset = max(_text_width(categories[0]), _text_width(categories[-1])) / 2
    left = axis.label_width() + 14 + inset
    right = width - 8 - inset
    step = (right - left) / max(1, len(categories) - 1)

    def x_at(index: int) -> float:
        return (left + right) / 2 if len(categories) == 1 else left + index * step

    _grid(chart, axis, left, right, horizontal_bars=False)
    every = _category_labels(categories, step if len(categories) > 1 else right - left)
    for index, category in enumerate(categories):
        if index % every == 0:
            chart.body.append(
                f'<text x="{x_at(index):.1f}" y="{bottom + 18:.1f}" text-anchor="middle" fill="{MUTED}">'
                f"{escape(category)}</text>"
            )
    widest = max(_text_width(format_value(value), 11) for value in values)
    labelled = value_labels and len(series) == 1 and (len(categories) == 1 or step >= widest + 2)
    for number, line in enumerate(series):
        color = line.color or PALETTE[number % len(PALETTE)]
        dash = DASHES[number % len(DASHES)]
        shape = MARKERS[number % len(MARKERS)]
        runs: list[list[str]] = [[]]
        points = []
        for index, value in enumerate(line.values):
            if value is None:
                runs.append([])
                continue
            x, y = x_at(index), axis.at(float(value))
            runs[-1].append(f"{x:.1f},{y:.1f}")
            tooltip = f"{line.name}, {categories[index]}: {format_value(value, unit)}"
            points.append(_marker(shape, x, y, color, tooltip))
            if labelled:
                chart.body.append(
                    f'<text class="value-label" x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="{TEXT}">{escape(format_value(value))}</text>'
                )
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                chart.body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2.5" '
                    f'stroke-linejoin="round"{dash_attribute}/>'
                )
        chart.body.extend(points)
    if len(series) > 1:
        chart.legend([(line.name, _line_sample(index, line)) for index, line in enumerate(series)], y=16, x=8)
    return chart.render(css_class="chart-line")


def _line_sample(index: int, line: Series) -> Callable[[float, float], str]:
    color = line.color or PALETTE[index % len(PALETTE)]
    dash = DASHES[index % len(DASHES)]
    shape = MARKERS[index % len(MARKERS)]

    def sample(x: float, y: float) -> str:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<line x1="{x - 2:.1f}" x2="{x + 14:.1f}" y1="{y - 4:.1f}" y2="{y - 4:.1f}" stroke="{color}" '
            f'stroke-width="2.5"{dashes}/>' + _marker(shape, x + 6, y - 4, color)
        )

    return sample


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


# ── bars ──────────────────────────────────────────────────────────────────────────────────────────


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    values: Sequence[Number],
    unit: str = "",
    desc: str | None = None,
    chart_id: str | None = None,
    horizontal: bool = False,
    value_texts: Sequence[str] | None = None,
    color: str = PALETTE[0],
    negative_color: str = "#b02a37",
    width: int = 640,
    height: int | None = None,
    empty_text: str = EMPTY_TEXT,
) -> SafeString:
    """One bar per category; negative values go the other way from the zero line (and are drawn
    hatched in `negative_color`). Each bar has its value written at its end — `value_texts` may
    give the text instead (e.g. "3 orders · 1,234.00")."""
    series = Series(name=title, values=values, color=color, pattern=None)
    has_negative = any(value is not None and value < 0 for value in values)
    return _bars(
        title=title,
        categories=categories,
        series=[series],
        unit=unit,
        desc=desc,
        chart_id=chart_id,
        horizontal=horizontal,
        value_texts=value_texts,
        stacked=False,
        width=width,
        height=height,
        empty_text=empty_text,
        negative=Series(name="negative", values=(), color=negative_color, pattern="hatch")
        if has_negative
        else None,
    )


def stacked_bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    desc: str | None = None,
    chart_id: str | None = None,
    horizontal: bool = False,
    width: int = 640,
    height: int | None = None,
    empty_text: str = EMPTY_TEXT,
) -> SafeString:
    """One bar per category made of one segment per series (in order; positive segments stack away
    from zero one way, negative ones the other), its total written at its end, a legend."""
    return _bars(
        title=title,
        categories=categories,
        series=series,
        unit=unit,
        desc=desc,
        chart_id=chart_id,
        horizontal=horizontal,
        value_texts=None,
        stacked=True,
        width=width,
        height=height,
        empty_text=empty_text,
        negative=None,
    )


def _bars(
    *,
    title,
    categories,
    series,
    unit,
    desc,
    chart_id,
    horizontal,
    value_texts,
    stacked,
    width,
    height,
    empty_text,
    negative,
) -> SafeString:
    _check(categories, series)
    if value_texts is not None and len(value_texts) != len(categories):
        raise ValueError("value_texts needs one text per category")
    totals = []
    ends: list[float] = []
    for index in range(len(categories)):
        figures = _numbers(line.values[index] for line in series)
        totals.append(sum(figures) if figures else None)
        ends += [sum(v for v in figures if v > 0), sum(v for v in figures if v < 0)]
    if height is None:
        height = 40 + 34 * len(categories) + (22 if stacked else 0) if horizontal else 280
    chart = _Chart(
        title=title,
        desc=desc or _describe(categories, series, unit),
        chart_id=chart_id,
        width=width,
        height=max(height, 120),
    )
    height = chart.height
    if not categories or not any(line_value is not None for line in series for line_value in line.values):
        return _empty(chart, empty_text)
    if stacked and all(value in (None, 0) for line in series for value in line.values):
        return _empty(chart, empty_text)
    legend_rows = _Chart.legend_rows([line.name for line in series], width) if stacked else 0
    legend_height = 20 * legend_rows + 6 if stacked else 0
    fills = [chart.fill(index, line) for index, line in enumerate(series)]
    if negative is not None:
        negative = chart.fill(len(series), negative)
    # a bar of nothing gets no label (its tooltip and the description still say 0.00)
    texts = (
        list(value_texts)
        if value_texts is not None
        else [format_value(total) if total else "" for total in totals]
    )
    if horizontal:
        _horizontal_bars(chart, categories, series, fills, texts, ends, legend_height, negative, unit)
    else:
        _vertical_bars(chart, categories, series, fills, texts, ends, legend_height, negative, unit)
    if stacked:
        chart.legend(
            [(line.name, _swatch(fills[index])) for index, line in enumerate(series)],
            y=16,
            x=8,
        )
    return chart.render(css_class="chart-bars" + (" chart-stacked" if stacked else ""))


def _segments(series, fills, index, negative):
    """(start, end, fill, series) of each segment of one bar, stacking away from zero."""
    up = down = 0.0
    for number, line in enumerate(series):
        value = line.values[index]
        if value is None or float(value) == 0:
            continue
        amount = float(value)
        fill = fills[number]
        if amount < 0 and negative:
            fill = negative
        if amount > 0:
            yield up, up + amount, fill, line, value
            up += amount
        else:
            yield down, down + amount, fill, line, value
            down += amount


def _vertical_bars(chart, categories, series, fills, texts, ends, legend_height, negative, unit):
    top, bottom = 26 + legend_height, chart.height - 30
    left, right = 60.0, chart.width - 10
    band = (right - left) / len(categories)
    widest = max(_text_width(text, 11) for text in texts) if texts else 0.0
    # value labels run upright above (below) their bar when the bars are too narrow for them
    upright = band < widest + 4
    room = widest + 8 if upright else 0
    has_positive, has_negative = any(value > 0 for value in ends), any(value < 0 for value in ends)
    axis = _ValueAxis(ends, bottom - (room if has_negative else 0), top + (room if has_positive else 0))
    left = axis.label_width() + 14
    band = (right - left) / len(categories)
    bar_width = min(band * 0.62, 72)
    _grid(chart, axis, left, right, horizontal_bars=False)
    every = _category_labels(categories, band)
    for index, category in enumerate(categories):
        center = left + band * (index + 0.5)
        for start, end, fill, line, value in _segments(series, fills, index, negative):
            y1, y2 = axis.at(start), axis.at(end)
            name = f"{line.name}, " if len(series) > 1 else ""
            chart.body.append(
                f'<rect x="{center - bar_width / 2:.1f}" y="{min(y1, y2):.1f}" width="{bar_width:.1f}" '
                f'height="{max(abs(y2 - y1), 0.8):.1f}" fill="{fill}">'
                f"<title>{escape(category)}: {escape(name)}{escape(format_value(value, unit))}</title></rect>"
            )
        if index % every == 0:
            chart.body.append(
                f'<text x="{center:.1f}" y="{bottom + 18:.1f}" text-anchor="middle" fill="{MUTED}">'
                f"{escape(category)}</text>"
            )
        positive_end, negative_end = ends[2 * index], ends[2 * index + 1]
        if not texts[index]:
            continue
        upward = positive_end > 0 or negative_end == 0
        y = axis.at(positive_end) - 5 if upward else axis.at(negative_end) + (5 if upright else 13)
        if upright:
            anchor = "start" if upward else "end"
            placement = f'transform="translate({center + 4:.1f} {y:.1f}) rotate(-90)" text-anchor="{anchor}"'
        else:
            placement = f'x="{center:.1f}" y="{y:.1f}" text-anchor="middle"'
        chart.body.append(
            f'<text class="value-label" {placement} font-size="11" fill="{TEXT}">{escape(texts[index])}</text>'
        )


def _horizontal_bars(chart, categories, series, fills, texts, ends, legend_height, negative, unit):
    label_width = min(max(_text_width(category) for category in categories), 200)
    text_width = max((_text_width(text, 11) for text in texts), default=0.0) + 8
    left = label_width + 14
    top, bottom = 8 + legend_height, chart.height - 24
    has_negative = any(value < 0 for value in ends)
    axis = _ValueAxis(ends, left + (text_width if has_negative else 0), chart.width - 8 - text_width)
    band = (bottom - top) / len(categories)
    bar_height = min(band * 0.62, 26)
    _grid(chart, axis, top, bottom, horizontal_bars=True)
    for index, category in enumerate(categories):
        middle = top + band * (index + 0.5)
        name = category if _text_width(category) <= 200 else category[: int(200 / CHAR_WIDTH) - 1] + "…"
        chart.body.append(
            f'<text x="{left - 8:.1f}" y="{middle + 4:.1f}" text-anchor="end" fill="{TEXT}">{escape(name)}</text>'
        )
        for start, end, fill, line, value in _segments(series, fills, index, negative):
            x1, x2 = axis.at(start), axis.at(end)
            series_name = f"{line.name}, " if len(series) > 1 else ""
            chart.body.append(
                f'<rect x="{min(x1, x2):.1f}" y="{middle - bar_height / 2:.1f}" width="{max(abs(x2 - x1), 0.8):.1f}" '
                f'height="{bar_height:.1f}" fill="{fill}">'
                f"<title>{escape(category)}: {escape(series_name)}{escape(format_value(value, unit))}</title></rect>"
            )
        positive_end, negative_end = ends[2 * index], ends[2 * index + 1]
        if texts[index]:
            if positive_end > 0 or negative_end == 0:
                x, anchor = axis.at(positive_end) + 6, "start"
            else:
                x, anchor = axis.at(negative_end) - 6, "end"
            chart.body.append(
                f'<text class="value-label" x="{x:.1f}" y="{middle + 4:.1f}" text-anchor="{anchor}" '
                f'font-size="11" fill="{TEXT}">{escape(texts[index])}</text>'
            )
