"""Bar charts: `bar_chart` (cash per week, the order pipeline; vertical or horizontal) and
`stacked_bar_chart` (aging by bucket per date)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString

from reporting.charts.frame import (
    CHAR_WIDTH,
    EMPTY_TEXT,
    MUTED,
    PALETTE,
    TEXT,
    Number,
    Series,
    _category_labels,
    _Chart,
    _check,
    _describe,
    _empty,
    _grid,
    _numbers,
    _swatch,
    _text_width,
    _ValueAxis,
    format_value,
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
