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

from reporting.charts.bars import bar_chart, stacked_bar_chart
from reporting.charts.frame import EMPTY_TEXT, PATTERNS, Series, format_value, nice_ticks
from reporting.charts.line import line_chart

__all__ = [
    "EMPTY_TEXT",
    "PATTERNS",
    "Series",
    "bar_chart",
    "format_value",
    "line_chart",
    "nice_ticks",
    "stacked_bar_chart",
]
