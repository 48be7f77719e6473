"""Charts drawn as SVG text: parsed back as XML to count the bars and points, to read what
a screen reader gets, and to check that a label stays text whatever it says."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from feedback.charts import NO_DATA, Bar, axis_for, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "quotes"'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def having_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if name in e.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return [e.text for e in root.iter(f"{SVG}text")]


def test_a_trend_line_has_a_point_per_value_and_says_what_it_shows():
    root = parse(
        line_chart("Median minutes to a first reply", [("5 Oct", 12), ("12 Oct", 30.5), ("19 Oct", 8)], unit="min")
    )
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Median minutes to a first reply"
    assert root.find(f"{SVG}title").text == "Median minutes to a first reply"
    assert root.find(f"{SVG}desc").text == "5 Oct: 12 min; 12 Oct: 30.5 min; 19 Oct: 8 min"
    points = having_class(root, "circle", "point")
    assert [p.find(f"{SVG}title").text for p in points] == ["5 Oct: 12 min", "12 Oct: 30.5 min", "19 Oct: 8 min"]
    (line,) = having_class(root, "polyline", "line")
    assert len(line.get("points").split()) == 3
    # Higher values are drawn higher up (smaller y).
    heights = [float(p.get("cy")) for p in points]
    assert heights[1] < heights[0] < heights[2]
    assert {"5 Oct", "12 Oct", "19 Oct"} <= set(texts(root))


def test_a_missing_value_breaks_the_line_and_draws_no_point():
    root = parse(line_chart("Asked", [("a", 1), ("b", 2), ("c", None), ("d", 4), ("e", 5), ("f", None), ("g", 3)]))
    assert len(having_class(root, "circle", "point")) == 5
    # a-b and d-e are lines; g alone is only a point.
    assert [len(p.get("points").split()) for p in having_class(root, "polyline", "line")] == [2, 2]
    assert "c: no data" in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("points", [[], [("a", None), ("b", None)]])
def test_a_trend_without_data_says_so(points):
    root = parse(line_chart("Asked", points))
    assert NO_DATA in texts(root)
    assert having_class(root, "circle", "point") == []


def test_bars_one_per_value_longest_for_the_largest_and_highlighted_apart():
    bars = [Bar("SQL", 12), Bar("Kafka", 5, highlight=True), ("Docker", 0)]
    root = parse(bar_chart("Skills people got stuck on", bars, highlight_label="no mentor teaches it"))
    rects = having_class(root, "rect", "bar")
    assert len(rects) == 3
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[1] / widths[0] == pytest.approx(5 / 12, abs=0.01)
    assert [r.get("class") for r in rects] == ["bar", "bar highlight", "bar"]
    assert rects[1].find(f"{SVG}title").text == "Kafka (no mentor teaches it): 5"
    assert "no mentor teaches it" in texts(root)  # the legend
    assert root.find(f"{SVG}desc").text == "SQL: 12; Kafka (no mentor teaches it): 5; Docker: 0"


def test_a_bar_chart_without_bars_says_so():
    root = parse(bar_chart("Ratings", []))
    assert NO_DATA in texts(root)
    assert having_class(root, "rect", "bar") == []


def test_a_long_label_is_cut_and_whole_in_the_tooltip():
    label = "Distributed tracing with OpenTelemetry"
    root = parse(bar_chart("Skills", [(label, 3)]))
    assert root.find(f".//{SVG}text[@class='bar-label']").text == "Distributed tracing wit…"
    assert having_class(root, "rect", "bar")[0].find(f"{SVG}title").text == f"{label}: 3"


def test_negative_bars_are_refused():
    with pytest.raises(ValueError, match="zero or more"):
        bar_chart("Change", [("SQL", -2)])


@pytest.mark.parametrize(
    "draw",
    [
        lambda: line_chart(EVIL, [(EVIL, 3), ("b", 4)], unit=EVIL),
        lambda: bar_chart(EVIL, [Bar(EVIL, 3, True)], unit=EVIL, highlight_label=EVIL),
    ],
)
def test_labels_stay_text_whatever_they_say(draw):
    svg = draw()
    root = parse(svg)
    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.get("aria-label") == EVIL
    assert root.find(f"{SVG}title").text == EVIL
    assert any(EVIL in (t or "") for t in texts(root))


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(bar_chart("Skills", [("SQL\x00\x1b", 3)]))
    assert root.find(f".//{SVG}text[@class='bar-label']").text == "SQL"


def test_the_same_data_draws_the_same_chart_and_nothing_is_fetched():
    points = [("a", 1.25), ("b", None), ("c", 3)]
    assert line_chart("x", points) == line_chart("x", list(points))
    bars = [Bar("a", 2), Bar("b", 3.5)]
    svg = line_chart("x", points) + bar_chart("y", bars)
    assert bar_chart("y", bars) == bar_chart("y", bars)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "href" not in svg and "<script" not in svg and "style=" not in svg


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 3, [0, 1, 2, 3]),
        (0, 7, [0, 2, 4, 6, 8]),
        (0, 0.73, [0, 0.2, 0.4, 0.6, 0.8]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (-3, 7, [-4, -2, 0, 2, 4, 6, 8]),
        (0, 0, [0, 0.25, 0.5, 0.75, 1]),
    ],
)
def test_the_value_axis_goes_from_zero_in_round_steps(low, high, ticks):
    axis = axis_for(low, high)
    assert [axis.low + axis.step * i for i in range(axis.ticks + 1)] == pytest.approx(ticks)


def test_the_axis_labels_are_the_round_steps():
    root = parse(line_chart("Share", [("a", 0.1), ("b", 0.73)]))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "y-label"] == [
        "0.0",
        "0.2",
        "0.4",
        "0.6",
        "0.8",
    ]
