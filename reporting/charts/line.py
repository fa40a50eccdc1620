"""The line chart (the DSO trend)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString

from reporting.charts.frame import (
    DASHES,
    EMPTY_TEXT,
    MARKERS,
    MUTED,
    PALETTE,
    TEXT,
    Series,
    _category_labels,
    _Chart,
    _check,
    _describe,
    _empty,
    _grid,
    _numbers,
    _text_width,
    _ValueAxis,
    format_value,
)

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
