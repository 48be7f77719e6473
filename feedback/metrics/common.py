"""What every dashboard figure is built from: the rows a query fills, a figure beside the
period before's (Compared), percentiles and shares, and picking a period's rows."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeVar

from feedback.periods import Period

URGENCIES = ("blocking", "can_wait")
ALL = "all"

Row = TypeVar("Row")


# The rows a query fills: named tuples, because a busy team's quarter is thousands of them
# and a tuple is built several times faster than a frozen dataclass.


class QuestionRow(NamedTuple):
    """A question: when it was asked, first answered, due and resolved (all aware UTC)."""

    id: int
    asked_at: datetime
    urgency: str  # "blocking" or "can_wait"
    first_reply_at: datetime | None = None
    deadline_at: datetime | None = None  # when the first reply was due: the first attempt's deadline
    resolved_at: datetime | None = None
    escalated: bool = False  # went to the team lead
    helpful: bool | None = None  # the asker's answer feedback, given when resolving
    skill_ids: tuple[int, ...] = ()


class AnswerRow(NamedTuple):
    """A mentor's reply on someone else's question (several on one thread count once)."""

    question_id: int
    mentor_id: int
    answered_at: datetime


class TaskFeedbackRow(NamedTuple):
    """Someone's rating of how a task went, 1 to 5."""

    submitted_at: datetime
    rating: int
    id: int = 0  # orders ratings given at the same moment


class CheckinRow(NamedTuple):
    """One side's first answer to a mentorship check-in's "Is this useful?", 1 to 5: the
    figures count a check-in as it was first answered, so changing it later moves none."""

    mentorship_id: int
    answered_at: datetime  # first answered
    score: int  # the first answer's score
    id: int = 0  # orders answers given at the same moment


class MentorshipRow(NamedTuple):
    """A mentorship's state and the moments it changed."""

    id: int
    state: str  # matching's MentorshipState values: proposed, active, ended, completed, ...
    proposed_at: datetime
    decided_at: datetime | None = None  # accepted, declined or expired
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Compared:
    """A figure for the period and for the period before; either may be None (no data)."""

    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """How much the figure went up (negative: down) since the period before."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0 to 100), linearly interpolated; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile lies between 0 and 100, not {p}")
    return percentile_of_sorted(sorted(values), p)


def percentile_of_sorted(ordered: Sequence[float], p: float) -> float | None:
    if not ordered:
        return None
    position = p / 100 * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: Iterable[float]) -> float | None:
    """The middle value, or the mean of the two middle ones; None for no values."""
    return percentile(values, 50)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to take a share of."""
    return part / whole if whole else None


def within(rows: Iterable[Row], period: Period, moment: Callable[[Row], datetime | None]) -> list[Row]:
    """The rows whose moment falls in the period."""
    start, end = period.start, period.end
    return [row for row in rows if (at := moment(row)) is not None and start <= at < end]


# The two filters run most often, written out: this is the dashboard's hot loop.


def asked_in(questions: Iterable[QuestionRow], period: Period) -> list[QuestionRow]:
    start, end = period.start, period.end
    return [q for q in questions if start <= q.asked_at < end]


def resolved_in(questions: Iterable[QuestionRow], period: Period) -> list[QuestionRow]:
    start, end = period.start, period.end
    return [q for q in questions if q.resolved_at is not None and start <= q.resolved_at < end]


def wait_minutes(question: QuestionRow) -> float:
    """Minutes from asking to the first reply, for a question that has one."""
    if question.first_reply_at is None:
        raise ValueError(f"question {question.id} has no reply to wait for")
    return (question.first_reply_at - question.asked_at).total_seconds() / 60
