"""Charts that tell the truth: the future is not drawn, a lone value is said in words, an
empty series says so, and every chart has its units, its legend and its numbers as a table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from feedback.charts import NO_DATA, Bar, Point, bar_chart, bar_table, line_chart, line_table, up_to_today
from tests.feedback.test_charts import SVG, having_class, parse, texts

WEEKS = [datetime(2026, 11, 30, tzinfo=UTC) + timedelta(weeks=i) for i in range(5)]
NOW = datetime(2026, 12, 9, 15, tzinfo=UTC)  # a Wednesday in the second week


def december(values=(4, 2, 0, 0, 0)) -> list[Point]:
    points = [Point(f"{w.day} {w:%b}", v, day=w.date().isoformat()) for w, v in zip(WEEKS, values, strict=True)]
    return up_to_today(points, WEEKS, [w + timedelta(weeks=1) for w in WEEKS], NOW)


def test_steps_after_today_are_dropped_and_the_running_one_is_so_far():
    points = december()
    assert [(p.label, p.value, p.so_far) for p in points] == [("30 Nov", 4, False), ("7 Dec", 2, True)]
    root = parse(line_chart("Asked", points, y_label="questions per week", step="week"))
    circles = having_class(root, "circle", "point")
    assert [c.get("data-day") for c in circles] == ["2026-11-30", "2026-12-07"]
    assert [c.get("class") for c in circles] == ["point", "point so-far"]
    assert circles[1].find(f"{SVG}title").text == "7 Dec (so far): 2"
    # Nothing is drawn for the weeks to come: no labels, no zeros.
    assert not {"14 Dec", "21 Dec", "28 Dec"} & set(texts(root))
    assert "so far: this week is not over" in texts(root)  # the legend says what the hollow point is
    assert "14 Dec" not in root.find(f"{SVG}desc").text


def test_a_period_that_has_not_begun_draws_nothing():
    points = up_to_today([Point("a", 0)], [NOW + timedelta(days=1)], [NOW + timedelta(days=8)], NOW)
    assert points == []
    assert NO_DATA == "No data yet"
    assert NO_DATA in texts(parse(line_chart("Asked", points)))


def test_a_single_point_is_said_in_words_not_drawn_as_a_dot():
    only = up_to_today([Point("30 Nov", 3)], WEEKS[:1], WEEKS[1:2], NOW - timedelta(days=5))
    root = parse(line_chart("Asked", only, unit="questions", unit_one="question", step="week"))
    assert "Only one week so far: 3 questions" in texts(root)
    assert having_class(root, "circle", "point") == []
    one = line_chart("Asked", [Point("30 Nov", 1)], unit="questions", unit_one="question", step="week")
    assert "Only one week: 1 question" in texts(parse(one))
    # One value among weeks without any: named with its week.
    gaps = line_chart("Reply", [("30 Nov", None), ("7 Dec", 12), ("14 Dec", None)], unit="min", step="week")
    assert "Only one week with data: 7 Dec, 12 min" in texts(parse(gaps))


def test_a_series_of_nothing_or_only_zeros_says_no_data_yet_not_a_flat_line():
    for points in ([], [("a", None), ("b", None)], [("a", 0), ("b", 0)]):
        root = parse(line_chart("Asked", points, zeros_are_empty=True))
        assert NO_DATA in texts(root)
        assert having_class(root, "polyline", "line") == []
    # Zero minutes is a value where zeros are not "nothing".
    assert having_class(parse(line_chart("Reply", [("a", 0), ("b", 0)])), "polyline", "line")


def test_units_are_on_the_axis_and_a_legend_names_each_kind_of_bar():
    root = parse(line_chart("Reply", [("a", 3), ("b", 5)], y_label="minutes to first reply, median"))
    (axis,) = having_class(root, "text", "axis-title")
    assert axis.text == "minutes to first reply, median"
    bars = [Bar("SQL", 3), Bar("Kafka", 2, True)]
    root = parse(
        bar_chart("Skills", bars, highlight_label="not taught", series_label="taught", value_label="questions asked")
    )
    assert [t.text for t in having_class(root, "text", "legend")] == ["taught", "not taught"]
    assert len(having_class(root, "rect", "legend-key")) == 2
    assert having_class(root, "text", "axis-title")[0].text == "questions asked →"
    # One kind of bar needs no legend.
    assert having_class(parse(bar_chart("Skills", [Bar("SQL", 3)], highlight_label="x")), "text", "legend") == []


def rows(table: str) -> tuple[str, list[list[str]]]:
    root = ET.fromstring(table)
    (caption,) = root.iter("caption")
    return caption.text, [[c.text for c in tr] for tr in root.iter("tr")]


def test_each_chart_has_its_numbers_as_a_table():
    caption, table = rows(line_table("Asked per week", december(), step="week", y_label="questions per week"))
    assert caption == "Asked per week"
    assert table == [["Week starting", "Questions per week"], ["30 Nov", "4"], ["7 Dec (so far)", "2"]]
    _, table = rows(line_table("Reply", [("a", None), ("b", 12.5)], y_label="minutes"))
    assert table[1:] == [["a", "no data"], ["b", "12.5"]]
    _, table = rows(
        bar_table(
            "Skills",
            [Bar("<SQL>", 3), Bar("Kafka", 2, True)],
            value_label="questions asked",
            highlight_label="not taught",
        )
    )
    assert table == [[None, "Questions asked"], ["<SQL>", "3"], ["Kafka (not taught)", "2"]]
    assert line_table("Empty", []) == ""
    assert line_table("Nothing", [("a", None), ("b", None)]) == ""
    assert line_table("Zeros", [("a", 0), ("b", 0)], zeros_are_empty=True) == ""
    assert bar_table("Nobody answered", [Bar("Mia", 0), Bar("Max", 0)]) == ""


def test_bars_all_at_zero_say_no_data_yet():
    root = parse(bar_chart("Answers", [Bar("Mia", 0), Bar("Max", 0)]))
    assert NO_DATA in texts(root)
    assert having_class(root, "rect", "bar") == []


def test_a_long_trend_names_its_newest_step_without_labels_running_into_each_other():
    weeks = [Point(f"w{i}", i % 3, so_far=i == 12) for i in range(13)]
    root = parse(line_chart("Asked", weeks))
    labels = having_class(root, "text", "x-label")
    assert labels[-1].text == "w12"
    xs = [float(label.get("x")) for label in labels]
    assert all(b - a >= 64 for a, b in zip(xs, xs[1:], strict=False))
