"""Trends: a figure for each step of a period (each week of a quarter, say)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from feedback.metrics.common import QuestionRow, Row, median, wait_minutes
from feedback.periods import Period


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: float | None


# Trends


def trend(
    period: Period,
    rows: Iterable[Row],
    moment: Callable[[Row], datetime | None],
    measure: Callable[[list[Row]], float | None] = len,
) -> list[TrendPoint]:
    """The measure of the rows falling in each step of the period (see Period.steps): by
    default how many, e.g. trend(quarter, questions, lambda q: q.asked_at) for the
    questions asked each week. A measure returns None for a step with nothing to show."""
    steps = period.steps()
    starts = [step.start for step in steps]
    buckets: list[list[Row]] = [[] for _ in steps]
    for row in rows:
        at = moment(row)
        if at is not None and period.start <= at < period.end:
            buckets[bisect_right(starts, at) - 1].append(row)
    return [TrendPoint(step, measure(bucket)) for step, bucket in zip(steps, buckets, strict=True)]


def reply_trend(questions: Sequence[QuestionRow], period: Period) -> list[TrendPoint]:
    """The median minutes to a first reply of the questions asked in each step."""
    return trend(
        period,
        questions,
        attrgetter("asked_at"),
        lambda asked: median(wait_minutes(q) for q in asked if q.first_reply_at is not None),
    )
