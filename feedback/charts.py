"""Charts drawn on the server as SVG text: a trend line and horizontal bars.

    line_chart("Questions asked per week", [("5 Oct", 4), ("12 Oct", 7), ("19 Oct", None)])
    bar_chart("Skills people got stuck on", [Bar("SQL", 12), Bar("Kafka", 5, highlight=True)],
              highlight_label="no mentor in the team teaches it")

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
from typing import NamedTuple

INK, LINE, BAR, HIGHLIGHT, GRID = "#333333", "#2f6db5", "#2f6db5", "#c2410c", "#dddddd"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
NO_DATA = "No data for this period"
MAX_TICKS = 5
LABEL_CHARS = 24  # longer bar labels are cut, with the whole label in the bar's tooltip
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Bar(NamedTuple):
    label: str
    value: float
    highlight: bool = False


def line_chart(
    title: str, points: Sequence[tuple[str, float | None]], *, unit: str = "", width: int = 640, height: int = 240
) -> str:
    """A line through (label, value) points from left to right; a None value leaves a gap
    in the line. `unit` follows each value where it is spelled out ("12 min")."""
    left, right, top, bottom = 52, 32, 16, 40  # room for the last label, centred on its point
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [(str(label), value) for label, value in points]
    known = [v for _, v in points if v is not None]
    parts = [_open(title, width, height, _describe(points, unit))]
    if not known:
        parts.append(_no_data(width / 2, height / 2))
        return _close(parts)
    axis = axis_for(min(known), max(known))
    parts.extend(_y_axis(axis, left, top, plot_w, plot_h))

    def x_of(i: int) -> float:
        return left + plot_w / 2 if len(points) == 1 else left + plot_w * i / (len(points) - 1)

    def y_of(v: float) -> float:
        return top + plot_h * (axis.high - v) / (axis.high - axis.low)

    segment: list[str] = []
    for i, (_, value) in enumerate(points + [("", None)]):
        if value is not None:
            segment.append(f"{_n(x_of(i))},{_n(y_of(value))}")
            continue
        if len(segment) > 1:
            parts.append(
                f'<polyline class="line" fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(segment)}"/>'
            )
        segment = []
    for i, (label, value) in enumerate(points):
        if value is not None:
            parts.append(
                f'<circle class="point" cx="{_n(x_of(i))}" cy="{_n(y_of(value))}" r="3.5" '
                f'fill="{LINE}"><title>{_esc(label + ": " + _value(value, unit))}</title></circle>'
            )
    every = max(1, math.ceil(len(points) / max(1, plot_w // 64)))
    for i, (label, _) in enumerate(points):
        if i % every == 0:
            parts.append(
                f'<text class="x-label" x="{_n(x_of(i))}" y="{height - bottom + 18}" '
                f'text-anchor="middle" fill="{INK}">{_esc(label)}</text>'
            )
    return _close(parts)


def bar_chart(
    title: str, bars: Iterable[Bar | tuple], *, unit: str = "", width: int = 640, highlight_label: str = ""
) -> str:
    """One horizontal bar per (label, value[, highlight]), in the order given, longest
    scale at the largest value. A highlighted bar is drawn in another colour and, where
    the values are spelled out, followed by `highlight_label`. Values must not be negative.
    """
    drawn = [Bar(str(bar[0]), *bar[1:]) for bar in bars]
    if any(bar.value < 0 for bar in drawn):
        raise ValueError("a bar chart shows amounts of zero or more")

    def note(bar: Bar) -> str:
        return f" ({highlight_label})" if bar.highlight and highlight_label else ""

    label_w, right, top, row = 170, 56, 8, 26
    legend = 22 if any(note(bar) for bar in drawn) else 0
    plot_w = width - label_w - right
    height = top + max(len(drawn), 1) * row + 8 + legend
    parts = [_open(title, width, height, _describe([(b.label + note(b), b.value) for b in drawn], unit))]
    if not drawn:
        parts.append(_no_data(width / 2, top + row / 2 + 4))
        return _close(parts)
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
    if legend:
        y = height - legend + 4
        parts.append(f'<rect class="legend-key" x="{label_w}" y="{y}" width="12" height="12" fill="{HIGHLIGHT}"/>')
        parts.append(
            f'<text class="legend" x="{label_w + 18}" y="{y + 10}" fill="{INK}">{_esc(highlight_label)}</text>'
        )
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


def _no_data(x: float, y: float) -> str:
    return f'<text class="no-data" x="{_n(x)}" y="{_n(y)}" text-anchor="middle" fill="{INK}">{NO_DATA}</text>'


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


def _describe(points: Sequence[tuple[str, float | None]], unit: str) -> str:
    if not points:
        return NO_DATA
    return "; ".join(f"{label}: {'no data' if value is None else _value(value, unit)}" for label, value in points)


def _value(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}" if unit else _number(value)


def _number(value: float) -> str:
    """A value as a reader wants it: whole numbers bare, others to one decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _n(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _esc(text: object) -> str:
    """Text safe inside an SVG element or attribute: escaped, with no character XML forbids."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)
