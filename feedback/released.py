"""Ratings released in groups, so that no aggregate read twice gives one rating away.

An aggregate shown over at least three ratings still gives one away when it is read before
and after that rating arrives, or over two periods that differ by it. So ratings count in
groups, in the order they came: a rating counts once its group is complete, at the moment
the group's last rating came. Every period's aggregate is then over whole groups, and any
two periods (or one period read at two times) differ by whole groups.

    ordered = sorted(rows, key=lambda r: (r.at, r.id))          # every rating up to the end
    counted = released(ordered, period, lambda r: r.at, 3)

Pure: no Flask, no database. `feedback.counts` does the same in SQL (two counts and a slice).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol


class Stretch(Protocol):
    """A stretch of time, such as a Period: from start up to end (exclusive)."""

    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...


def released(ordered: Sequence, period: Stretch, moment: Callable[[object], datetime], group: int) -> Sequence:
    """The ratings that count in the period, of all ratings in the order they came (by
    `moment`, ties in a fixed order): those from released_before(start) up to
    released_before(end)."""
    return ordered[
        released_before(ordered, period.start, moment, group) : released_before(ordered, period.end, moment, group)
    ]


def released_before(ordered: Sequence, at: datetime, moment: Callable[[object], datetime], group: int) -> int:
    """How many of the ratings (in the order they came) count before the moment `at`: of the
    n that came before it, the first group * (n // group)."""
    return first_counted(bisect_left(ordered, at, key=moment), group)


def first_counted(came: int, group: int) -> int:
    """Of `came` ratings in the order they came, how many count: whole groups only."""
    return came - came % group
