"""Charts drawn on the server as SVG text: a trend line and horizontal bars.

    points = up_to_today([Point("5 Oct", 4), Point("12 Oct", 7), Point("19 Oct", None)], starts, ends, now)
    line_chart("Questions asked per week", points, y_label="questions per week", step="week")
    bar_chart("Skills people got stuck on", [Bar("SQL", 12), Bar("Kafka", 5, highlight=True)],
              highlight_label="no mentor in the team teaches it", series_label="taught")
    line_table(...), bar_table(...)   # the same numbers as an HTML table under "Show the numbers"

A chart never draws what has not happened: steps after now are dropped (up_to_today) and the
running one is drawn hollow, "so far". Too little to draw is said in words: "No data yet", or
"Only one week so far: 3 questions" rather than a lonely dot.

Pure: no Flask, no JavaScript, no fonts or scripts from elsewhere; the page puts the SVG in
as it is. Every label is escaped, so a skill called "<script>" is drawn as those letters.
Each chart says what it is to a screen reader (its <title>, an aria-label and a <desc>
listing the values) and each point or bar carries its value in a <title> for a tooltip.
The same data always gives the same text, byte for byte.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

INK, LINE, BAR, HIGHLIGHT, GRID = "#333333", "#2f6db5", "#2f6db5", "#c2410c", "#dddddd"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
NO_DATA = "No data yet"
SO_FAR = "so far"
MAX_TICKS = 5
LABEL_CHARS = 24  # longer bar labels are cut, with the whole label in the bar's tooltip
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Bar(NamedTuple):
    label: str
    value: float
    highlight: bool = False


class Point(NamedTuple):
    """One step of a trend line. `so_far`: the step runs on today, its value is not final;
    `day`: the step's first day, kept on the drawn point for whoever reads the page."""

    label: str
    value: float | None
    so_far: bool = False
    day: str = ""


def up_to_today(
    points: Sequence[Point], starts: Sequence[datetime], ends: Sequence[datetime], now: datetime
) -> list[Point]:
    """The points whose step has begun by `now`: the future is not drawn at all (not as
    zeros), and the step `now` falls in is marked as so far."""
    return [
        point._replace(so_far=now < end) for point, start, end in zip(points, starts, ends, strict=True) if start <= now
    ]


def line_chart(
    title: str,
    points: Sequence[Point | tuple],
    *,
    unit: str = "",
    unit_one: str = "",
    y_label: str = "",
    step: str = "point",
    zeros_are_empty: bool = False,
    width: int = 640,
    height: int = 240,
) -> str:
    """A line through (label, value) points from left to right; a None value leaves a gap
    in the line. `unit` follows each value where it is spelled out ("12 min"; `unit_one`
    after a 1: "1 question"); `y_label` names the value axis ("questions per week").
    No value (or only zeros, with `zeros_are_empty`) says "No data yet"; a single value is
    said in words ("Only one week so far: 3 questions") rather than drawn as a lonely dot.
    A step still running is drawn hollow, with a legend saying so."""
    series = [Point(str(p[0]), *p[1:]) for p in points]
    known = [p for p in series if p.value is not None]
    if zeros_are_empty and all(p.value == 0 for p in known):
        known = []
    if len(known) < 2:
        words = NO_DATA if not known else one_point_words(series, known[0], unit, unit_one, step)
        return _close([_open(title, width, 48, words), _in_words(title, words)])
    legend = 24 if any(p.so_far for p in series) else 0
    left, right, top, bottom = 68, 32, 16, 40 + legend  # room for the last label, centred on its point
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_open(title, width, height, _describe([(p.label, p.value) for p in series], unit, unit_one))]
    values = [p.value for p in known if p.value is not None]
    axis = axis_for(min(values), max(values))
    parts.extend(_y_axis(axis, left, top, plot_w, plot_h))
    if y_label:
        middle = _n(top + plot_h / 2)
        parts.append(
            f'<text class="axis-title" x="14" y="{middle}" transform="rotate(-90 14 {middle})" '
            f'text-anchor="middle" fill="{INK}">{_esc(y_label)}</text>'
        )

    def x_of(i: int) -> float:
        return left + plot_w * i / (len(series) - 1)

    def y_of(v: float) -> float:
        return top + plot_h * (axis.high - v) / (axis.high - axis.low)

    segment: list[str] = []
    for i, point in enumerate(series + [Point("", None)]):
        if point.value is not None:
            segment.append(f"{_n(x_of(i))},{_n(y_of(point.value))}")
            continue
        if len(segment) > 1:
            parts.append(
                f'<polyline class="line" fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(segment)}"/>'
            )
        segment = []
    for i, point in enumerate(series):
        if point.value is not None:
            fill = "#ffffff" if point.so_far else LINE
            label = point.label + (f" ({SO_FAR})" if point.so_far else "")
            parts.append(
                f'<circle class="point{" so-far" if point.so_far else ""}" cx="{_n(x_of(i))}" '
                f'cy="{_n(y_of(point.value))}" r="3.5" fill="{fill}" stroke="{LINE}" stroke-width="2" '
                f'data-day="{_esc(point.day)}"><title>{_esc(label + ": " + _value(point.value, unit, unit_one))}</title></circle>'
            )
    every, last = max(1, math.ceil(len(series) / max(1, plot_w // 64))), len(series) - 1
    for i, point in enumerate(series):
        if i == last or (i % every == 0 and last - i >= every):  # the newest step always named
            parts.append(
                f'<text class="x-label" x="{_n(x_of(i))}" y="{height - bottom + 18}" '
                f'text-anchor="middle" fill="{INK}">{_esc(point.label)}</text>'
            )
    if legend:
        y = height - legend + 8
        parts.append(f'<circle class="legend-key" cx="{left + 6}" cy="{y}" r="4" fill="{LINE}"/>')
        parts.append(f'<text class="legend" x="{left + 16}" y="{y + 4}" fill="{INK}">{_esc(y_label or title)}</text>')
        x = left + 16 + 7 * len(y_label or title) + 24
        parts.append(
            f'<circle class="legend-key" cx="{x + 6}" cy="{y}" r="4" fill="#ffffff" stroke="{LINE}" stroke-width="2"/>'
        )
        parts.append(
            f'<text class="legend" x="{x + 16}" y="{y + 4}" fill="{INK}">{SO_FAR}: this {_esc(step)} is not over</text>'
        )
    return _close(parts)


def one_point_words(points: Sequence[Point], only: Point, unit: str, unit_one: str, step: str) -> str:
    """A series with a single value, in words: "Only one week so far: 3 questions"."""
    value = _value(only.value or 0, unit, unit_one)
    if len(points) == 1:
        return f"Only one {step}{' so far' if only.so_far else ''}: {value}"
    return f"Only one {step} with data: {only.label}{f' ({SO_FAR})' if only.so_far else ''}, {value}"


def line_table(
    caption: str,
    points: Sequence[Point | tuple],
    *,
    step: str = "",
    y_label: str = "",
    table_id: str = "",
    zeros_are_empty: bool = False,
) -> str:
    """The numbers of a line chart as a table, folded under "Show the numbers"; nothing
    where the chart says "No data yet" (same `zeros_are_empty` as the chart's)."""
    series = [Point(str(p[0]), *p[1:]) for p in points]
    if all(p.value is None or (zeros_are_empty and p.value == 0) for p in series):
        return ""
    rows = [
        (p.label + (f" ({SO_FAR})" if p.so_far else ""), "no data" if p.value is None else _number(p.value))
        for p in series
    ]
    return _table(caption, (step.capitalize() + " starting" if step else "", y_label.capitalize()), rows, table_id)


def bar_table(
    caption: str, bars: Iterable[Bar | tuple], *, value_label: str = "", highlight_label: str = "", table_id: str = ""
) -> str:
    """The numbers of a bar chart as a table, folded under "Show the numbers"."""
    drawn = [Bar(str(b[0]), *b[1:]) for b in bars]
    if not any(bar.value for bar in drawn):
        return ""  # the chart says "No data yet"
    rows = [
        (b.label + (f" ({highlight_label})" if highlight_label and b.highlight else ""), _number(b.value))
        for b in drawn
    ]
    return _table(caption, ("", value_label.capitalize()), rows, table_id)


def _table(caption: str, headings: tuple[str, str], rows: Sequence[tuple[str, str]], table_id: str) -> str:
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headings)
    body = "".join(f'<tr><th scope="row">{_esc(label)}</th><td>{_esc(value)}</td></tr>' for label, value in rows)
    named = f' id="{_esc(table_id)}"' if table_id else ""
    return (
        '<details class="chart-numbers"><summary>Show the numbers</summary>'
        f'<table class="chart-table"{named}><caption>{_esc(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></details>"
    )


def bar_chart(
    title: str,
    bars: Iterable[Bar | tuple],
    *,
    unit: str = "",
    width: int = 640,
    highlight_label: str = "",
    series_label: str = "",
    value_label: str = "",
) -> str:
    """One horizontal bar per (label, value[, highlight]), in the order given, longest
    scale at the largest value. A highlighted bar is drawn in another colour and, where
    the values are spelled out, followed by `highlight_label`; the legend then names both
    kinds (`series_label` the plain one). `value_label` says what the lengths count.
    Values must not be negative.
    """
    drawn = [Bar(str(bar[0]), *bar[1:]) for bar in bars]
    if any(bar.value < 0 for bar in drawn):
        raise ValueError("a bar chart shows amounts of zero or more")

    def note(bar: Bar) -> str:
        return f" ({highlight_label})" if bar.highlight and highlight_label else ""

    label_w, right, top, row = 170, 56, 8, 26
    legend = 22 if any(note(bar) for bar in drawn) else 0
    axis_title = 20 if value_label else 0
    plot_w = width - label_w - right
    if not any(bar.value for bar in drawn):  # no bars, or only zeros: not a chart of nothing
        return _close([_open(title, width, 48, NO_DATA), _in_words(title, NO_DATA)])
    height = top + len(drawn) * row + 8 + axis_title + legend
    parts = [_open(title, width, height, _describe([(b.label + note(b), b.value) for b in drawn], unit))]
    high = axis_for(0, max(b.value for b in drawn)).high
    for i, bar in enumerate(drawn):
        y = top + i * row
        colour = HIGHLIGHT if bar.highlight else BAR
        length = plot_w * bar.value / high
        shown_label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text class="bar-label" x="{label_w - 8}" y="{y + row / 2 + 4}" text-anchor="end" '
            f'fill="{INK}">{_esc(shown_label)}</text>'
        )
        parts.append(
            f'<rect class="bar{" highlight" if bar.highlight else ""}" x="{label_w}" y="{y + 4}" '
            f'width="{_n(length)}" height="{row - 8}" fill="{colour}">'
            f"<title>{_esc(bar.label + note(bar) + ': ' + _value(bar.value, unit))}</title></rect>"
        )
        parts.append(
            f'<text class="bar-value" x="{_n(label_w + length + 6)}" y="{y + row / 2 + 4}" '
            f'fill="{INK}">{_esc(_value(bar.value, unit))}</text>'
        )
    if value_label:
        y = top + len(drawn) * row + 14
        parts.append(f'<text class="axis-title" x="{label_w}" y="{y}" fill="{INK}">{_esc(value_label)} →</text>')
    if legend:
        y, x = height - legend + 4, label_w
        if series_label:
            parts.append(f'<rect class="legend-key" x="{x}" y="{y}" width="12" height="12" fill="{BAR}"/>')
            parts.append(f'<text class="legend" x="{x + 18}" y="{y + 10}" fill="{INK}">{_esc(series_label)}</text>')
            x += 18 + 7 * len(series_label) + 20
        parts.append(f'<rect class="legend-key" x="{x}" y="{y}" width="12" height="12" fill="{HIGHLIGHT}"/>')
        parts.append(f'<text class="legend" x="{x + 18}" y="{y + 10}" fill="{INK}">{_esc(highlight_label)}</text>')
    return _close(parts)


# Pieces


def _open(title: str, width: int, height: int, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{_esc(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT}><title>{_esc(title)}</title>'
        f"<desc>{_esc(description)}</desc>"
    )


def _close(parts: list[str]) -> str:
    return "".join(parts) + "</svg>"


def _in_words(title: str, words: str) -> str:
    """A chart with too little to draw: its title (with its units), then what there is in words."""
    return (
        f'<text class="chart-title" x="0" y="16" font-weight="600" fill="{INK}">{_esc(title)}</text>'
        f'<text class="no-data" x="0" y="38" fill="{INK}">{_esc(words)}</text>'
    )


def _y_axis(axis: Axis, left: int, top: int, plot_w: int, plot_h: int) -> list[str]:
    lines = []
    for i in range(axis.ticks + 1):
        value = axis.low + axis.step * i
        y = top + plot_h * (axis.ticks - i) / axis.ticks
        lines.append(f'<line class="grid" x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="{GRID}"/>')
        lines.append(
            f'<text class="y-label" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" '
            f'fill="{INK}">{value:.{axis.decimals}f}</text>'
        )
    return lines


class Axis(NamedTuple):
    """A value axis from `low` to `high` in `ticks` round steps of `step`."""

    low: float
    high: float
    step: float
    decimals: int

    @property
    def ticks(self) -> int:
        return round((self.high - self.low) / self.step)


def axis_for(lowest: float, highest: float) -> Axis:
    """An axis taking in zero and the values, in at most about MAX_TICKS steps of 1, 2 or 5
    times a power of ten: values up to 7 give 0, 2, 4, 6, 8."""
    lowest, highest = min(lowest, 0), max(highest, 0)
    span = highest - lowest
    if span == 0:
        return Axis(0, 1, 0.25, 2)
    power = 10 ** math.floor(math.log10(span / MAX_TICKS))
    step = next(m * power for m in (1, 2, 5, 10) if m * power * MAX_TICKS >= span * (1 - 1e-9))
    low = -step * math.ceil(-lowest / step - 1e-9) if lowest < 0 else 0
    high = step * math.ceil(highest / step - 1e-9) if highest > 0 else 0
    return Axis(low, high, step, max(0, -math.floor(math.log10(step) + 1e-9)))


def _describe(points: Sequence[tuple[str, float | None]], unit: str, unit_one: str = "") -> str:
    if not points:
        return NO_DATA
    return "; ".join(
        f"{label}: {'no data' if value is None else _value(value, unit, unit_one)}" for label, value in points
    )


def _value(value: float, unit: str, unit_one: str = "") -> str:
    if value == 1 and unit_one:
        return f"1 {unit_one}"
    return f"{_number(value)} {unit}" if unit else _number(value)


def _number(value: float) -> str:
    """A value as a reader wants it: whole numbers bare, others to one decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _n(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _esc(text: object) -> str:
    """Text safe inside an SVG element or attribute: escaped, with no character XML forbids."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)
