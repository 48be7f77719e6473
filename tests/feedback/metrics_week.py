"""The week the metrics tests work in: week 47 of 2026 (Monday 16 to Sunday 22 November, UTC)
is the period, week 46 (9 to 15 November) the one before, and "now" is Saturday 21 November
at noon; and a question row with its reply and deadline given in minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from feedback.metrics import QuestionRow
from feedback.periods import period_containing

WEEK = period_containing("week", date(2026, 11, 21), "UTC")
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def question(id, asked_at, urgency="blocking", reply_after=None, deadline_after=None, **fields) -> QuestionRow:
    """A question with its reply and deadline given as minutes after it was asked."""
    return QuestionRow(
        id=id,
        asked_at=asked_at,
        urgency=urgency,
        first_reply_at=None if reply_after is None else asked_at + reply_after * MINUTE,
        deadline_at=None if deadline_after is None else asked_at + deadline_after * MINUTE,
        **fields,
    )
