"""The dashboard's SVG charts (reporting/charts.py): valid SVG that xml.etree parses, escaped labels,
accessible title and description, axes, value labels with two decimals, legends, print-safe fills,
and a friendly message instead of a broken chart when there is nothing to draw."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from reporting.charts import (
    EMPTY_TEXT,
    Series,
    bar_chart,
    format_value,
    line_chart,
    nice_ticks,
    stacked_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def tooltips(root: ET.Element) -> list[str]:
    """The <title> of every mark (not the chart's own title)."""
    return [title.text for title in root.iter(f"{SVG}title")][1:]


def accessible(root: ET.Element) -> tuple[str, str]:
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    return title.text, desc.text


HOSTILE = "<script>alert('x')</script> & \"Müller\""


def test_format_value_has_two_decimals_and_thousands_separators():
    assert format_value(D("1234567.5")) == "1,234,567.50"
    assert format_value(D("-20")) == "-20.00"
    assert format_value(D("41.4"), "days") == "41.40 days"
    assert format_value(D("52.0"), "%") == "52.00%"
    assert format_value(None) == "—"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 95, [0, 20, 40, 60, 80, 100]),
        (0, 1842.4, [0, 500, 1000, 1500, 2000]),
        (-20, 370, [-100, 0, 100, 200, 300, 400]),
        (0, 0, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]),
    ],
)
def test_ticks_are_round_and_include_zero(low, high, expected):
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_line_chart_points_value_labels_axes_and_a_gap_for_missing_values():
    chart = line_chart(
        title="DSO at each month-end",
        categories=["Jan 26", "Feb 26", "Mar 26", "Today"],
        series=[Series("DSO", [D("90.0"), None, D("45.0"), D("102.3")])],
        unit="days",
        chart_id="dso-trend",
    )
    root = parse(chart)
    title, desc = accessible(root)
    assert title == "DSO at each month-end"
    assert desc == "Jan 26: 90.00 days; Feb 26: —; Mar 26: 45.00 days; Today: 102.30 days."
    assert root.get("id") == "dso-trend"
    assert root.get("viewBox") == "0 0 640 260"
    labels = texts(root)
    assert {"Jan 26", "Feb 26", "Mar 26", "Today"} <= set(labels)  # the category axis
    assert {"0", "25", "50", "75", "100", "125"} <= set(labels)  # the value axis, round steps
    assert [element.text for element in root.iter(f"{SVG}text") if element.get("class") == "value-label"] == [
        "90.00",
        "45.00",
        "102.30",
    ]
    assert tooltips(root) == ["DSO, Jan 26: 90.00 days", "DSO, Mar 26: 45.00 days", "DSO, Today: 102.30 days"]
    # the missing February breaks the line: one segment Mar–Today, nothing drawn from one point
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert len(list(root.iter(f"{SVG}line"))) == 6  # one gridline per tick


def test_several_lines_get_a_legend_and_differ_in_dash_and_marker():
    root = parse(
        line_chart(
            title="Cycle",
            categories=["A", "B"],
            series=[Series("Median", [1, 2]), Series("p90", [3, 4])],
        )
    )
    legend = [group for group in root.iter(f"{SVG}g") if group.get("class") == "legend-item"]
    assert [group.find(f"{SVG}text").text for group in legend] == ["Median", "p90"]
    dashes = [line.get("stroke-dasharray") for line in root.iter(f"{SVG}polyline")]
    assert dashes == [None, "6 4"]
    assert root.find(f".//{SVG}circle") is not None and root.find(f".//{SVG}rect") is not None


def test_bar_chart_value_labels_and_negative_bars_hatched():
    root = parse(
        bar_chart(
            title="Cash collected per week",
            categories=["4 May", "11 May", "18 May"],
            values=[D("150.00"), D("370.00"), D("-20.00")],
        )
    )
    assert [element.text for element in root.iter(f"{SVG}text") if element.get("class") == "value-label"] == [
        "150.00",
        "370.00",
        "-20.00",
    ]
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "4 May: 150.00",
        "11 May: 370.00",
        "18 May: -20.00",
    ]
    assert bars[2].get("fill").startswith("url(#")  # the negative week is hatched, apart in greyscale
    pattern_id = bars[2].get("fill")[5:-1]
    assert root.find(f".//{SVG}pattern[@id='{pattern_id}']") is not None
    # the negative bar hangs below the zero line
    assert float(bars[2].get("y")) > float(bars[1].get("y"))


def test_a_bar_of_zero_is_neither_drawn_nor_labelled_but_described():
    root = parse(bar_chart(title="Cash", categories=["a", "b"], values=[D("0.00"), D("5.00")]))
    assert [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "value-label"] == ["5.00"]
    assert tooltips(root) == ["b: 5.00"]
    assert accessible(root)[1] == "a: 0.00; b: 5.00."


def test_horizontal_bars_with_their_own_texts():
    root = parse(
        bar_chart(
            title="Orders by status",
            categories=["Draft", "Open"],
            values=[D("10.00"), D("1234.50")],
            value_texts=["1 · 10.00", "3 · 1,234.50"],
            horizontal=True,
        )
    )
    labels = texts(root)
    assert "Draft" in labels and "1 · 10.00" in labels and "3 · 1,234.50" in labels
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert float(bars[1].get("width")) > float(bars[0].get("width"))


def test_stacked_bars_segments_totals_legend_and_greyscale_patterns():
    root = parse(
        stacked_bar_chart(
            title="Aging",
            categories=["Apr 26", "Today"],
            series=[
                Series("Current", [D("500"), D("500")], color="#b7dfc2"),
                Series("1–30", [D("200"), D("0")], color="#f1c453"),
                Series("31–60", [D("900"), D("200")], color="#e0823a"),
                Series("Disputed", [D("100"), D("100")], color="#8a6bbd"),
            ],
        )
    )
    _title, desc = accessible(root)
    assert desc == (
        "Apr 26: Current 500.00, 1–30 200.00, 31–60 900.00, Disputed 100.00; "
        "Today: Current 500.00, 1–30 0.00, 31–60 200.00, Disputed 100.00."
    )
    segments = [
        rect.find(f"{SVG}title").text
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    ]
    assert segments == [
        "Apr 26: Current, 500.00",
        "Apr 26: 1–30, 200.00",
        "Apr 26: 31–60, 900.00",
        "Apr 26: Disputed, 100.00",
        "Today: Current, 500.00",
        "Today: 31–60, 200.00",  # a zero segment is not drawn
        "Today: Disputed, 100.00",
    ]
    totals = [e.text for e in root.iter(f"{SVG}text") if e.get("class") == "value-label"]
    assert totals == ["1,700.00", "800.00"]
    legend = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert legend == ["Current", "1–30", "31–60", "Disputed"]
    # every other series is patterned so that neighbours differ in greyscale too
    patterns = root.findall(f".//{SVG}pattern")
    assert len(patterns) == 2
    assert {p.find(f"{SVG}rect").get("fill") for p in patterns} == {"#f1c453", "#8a6bbd"}


def test_horizontal_stacked_bars():
    root = parse(
        stacked_bar_chart(
            title="Aging today",
            categories=["Today"],
            series=[Series("Current", [D("10")]), Series("Overdue", [D("5")])],
            horizontal=True,
        )
    )
    assert "15.00" in texts(root)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: line_chart(title=HOSTILE, categories=[HOSTILE], series=[Series(HOSTILE, [D("1")])]),
        lambda: bar_chart(title=HOSTILE, categories=[HOSTILE], values=[D("1")], value_texts=[HOSTILE]),
        lambda: bar_chart(title=HOSTILE, categories=[HOSTILE], values=[D("1")], horizontal=True),
        lambda: stacked_bar_chart(title=HOSTILE, categories=[HOSTILE], series=[Series(HOSTILE, [D("1")])]),
        lambda: line_chart(title=HOSTILE, categories=[], series=[], empty_text=HOSTILE),
    ],
)
def test_every_text_is_escaped(chart):
    markup = str(chart())
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)  # still well-formed XML
    assert any(HOSTILE in text for text in [*texts(root), root.find(f"{SVG}title").text])


def test_chart_ids_are_safe_and_patterns_scoped_to_their_chart():
    root = parse(
        stacked_bar_chart(
            title='Aging "by" <date>',
            categories=["x"],
            series=[Series("a", [1]), Series("b", [2])],
        )
    )
    assert root.get("id") == "aging-by-date"
    assert all(p.get("id").startswith("aging-by-date-") for p in root.iter(f"{SVG}pattern"))


@pytest.mark.parametrize(
    "chart",
    [
        lambda: line_chart(title="DSO", categories=[], series=[]),
        lambda: line_chart(title="DSO", categories=["Jan", "Feb"], series=[Series("DSO", [None, None])]),
        lambda: bar_chart(title="Cash", categories=[], values=[]),
        lambda: bar_chart(title="Cash", categories=["a"], values=[None]),
        lambda: stacked_bar_chart(title="Aging", categories=["a", "b"], series=[Series("Current", [0, 0])]),
        lambda: stacked_bar_chart(title="Aging", categories=[], series=[]),
    ],
)
def test_no_data_shows_a_friendly_message_not_a_broken_chart(chart):
    root = parse(chart())
    assert "chart-empty" in root.get("class")
    assert texts(root) == [EMPTY_TEXT]
    assert root.find(f".//{SVG}polyline") is None
    accessible(root)


def test_values_must_match_the_categories():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        line_chart(title="x", categories=["a", "b", "c"], series=[Series("s", [1, 2])])
