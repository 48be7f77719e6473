"""Telling when a question repeats an earlier one: the same or nearly the same words.

Pure: earlier questions come in as plain values. "Nearly the same" is measured on the
words, whatever their order, case and punctuation, so a question sent again with a typo
fixed or a sentence moved still counts as the same. Numbers must match, though: "error 404"
is not "error 500", nor "task 12" "task 13".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from rapidfuzz import fuzz, process, utils

NEAR_SAME = 90  # out of 100: how alike two questions' words must be to be the same question
RECENT = timedelta(hours=24)  # a resolved question asked this recently is still "just asked"
NUMBER = re.compile(r"\d+")


class Earlier(NamedTuple):
    """An earlier question as the comparison sees it (a tuple: hundreds are read per ask)."""

    id: int
    goal: str
    stuck: str
    asked_at: datetime
    open: bool = False  # not resolved yet


def likeness(goal: str, stuck: str, other_goal: str, other_stuck: str) -> float:
    """How alike two questions are, from 0 to 100, by their words in any order; 0 when
    their numbers differ."""
    text, other = f"{goal} {stuck}", f"{other_goal} {other_stuck}"
    if set(NUMBER.findall(text)) != set(NUMBER.findall(other)):
        return 0.0
    return fuzz.token_sort_ratio(text, other, processor=utils.default_process)


def most_alike(goal: str, stuck: str, earlier: Iterable[Earlier]) -> Earlier | None:
    """The earlier question nearly the same as this one (the most alike, then the latest), if any."""
    text, candidates = f"{goal} {stuck}", list(earlier)
    # The words of every candidate are compared in one call; the few alike enough by their
    # words are then held to the same numbers, as `likeness` does.
    scores = process.extract(
        text,
        [f"{e.goal} {e.stuck}" for e in candidates],
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        score_cutoff=NEAR_SAME,
        limit=None,
    )
    numbers = set(NUMBER.findall(text))
    alike = [
        (score, candidates[index].asked_at, -index)  # of two asked at once, the one given first
        for other, score, index in scores
        if set(NUMBER.findall(other)) == numbers
    ]
    return candidates[-max(alike)[2]] if alike else None


def asked_again(goal: str, stuck: str, earlier: Iterable[Earlier], now: datetime) -> Earlier | None:
    """The asker's own earlier question this one repeats: one still open, or asked recently."""
    return most_alike(goal, stuck, (e for e in earlier if e.open or now - e.asked_at <= RECENT))
