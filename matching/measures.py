"""The measures a mentor's fit is made of, on arrays of new hires (rows) x mentors (columns):
how much a level gap can teach, how close two roles are, and how many working hours two
people share across time zones.

Plain Python and NumPy over plain values: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

# Words that say how senior someone is, not what they do.
RANK_WORDS = {
    "junior",
    "jr",
    "mid",
    "senior",
    "sr",
    "staff",
    "principal",
    "lead",
    "head",
    "chief",
    "associate",
    "intern",
    "trainee",
    "i",
    "ii",
    "iii",
    "iv",
    "level",
}


# The parts, each from 0 to 1, on arrays of new hires (rows) x mentors (columns).


def gap_value(gap: np.ndarray) -> np.ndarray:
    """How much a mentor can teach with a level gap (mentor - learner): 3 or more is best."""
    return np.select([gap >= 3, gap == 2, gap == 1], [1.0, 0.8, 0.5], default=0.15)


def seniority_value(gap: np.ndarray) -> np.ndarray:
    """One or two levels above the new hire is best; the same level or far above counts less."""
    return np.select([(gap == 1) | (gap == 2), gap == 3, gap == 0, gap >= 4], [1.0, 0.6, 0.3, 0.3], default=0.0)


@lru_cache(maxsize=4096)
def role_words(title: str) -> frozenset[str]:
    """The words of a job title that say what the person does ("Senior Data Engineer" -> data, engineer)."""
    return frozenset(w for w in re.findall(r"[a-z0-9+#]+", title.lower()) if w not in RANK_WORDS)


def role_value(a: frozenset[str], b: frozenset[str]) -> float:
    """How close two roles are: the share of role words they have in common."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@lru_cache(maxsize=4096)
def working_minutes(tz: str, start: time, end: time, day: date) -> tuple[float, float]:
    """A working day as minutes from that day's midnight UTC (may run below 0 or past 1440)."""
    zone = ZoneInfo(tz)
    midnight = datetime.combine(day, time(0), tzinfo=ZoneInfo("UTC"))
    begins = datetime.combine(day, start, tzinfo=zone)
    ends = datetime.combine(day, end, tzinfo=zone)
    if ends <= begins:  # a working day that runs past midnight
        ends += timedelta(days=1)
    return ((begins - midnight).total_seconds() / 60, (ends - midnight).total_seconds() / 60)


def overlap_hours(a_start, a_end, b_start, b_end) -> np.ndarray:
    """Hours two daily working windows share, counting the day before and after."""
    total = np.zeros(np.broadcast_shapes(np.shape(a_start), np.shape(b_start)))
    for shift in (-1440.0, 0.0, 1440.0):
        total = total + np.clip(np.minimum(a_end, b_end + shift) - np.maximum(a_start, b_start + shift), 0, None)
    return total / 60.0


def kinds(values: list) -> tuple[list, np.ndarray]:
    """The distinct values in first-seen order, and each value's index among them."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int32, count=len(values))
    return list(index), codes


def skill_levels(teaching: list[Mapping[str, int]]) -> tuple[dict[str, int], np.ndarray]:
    """Number the skills any of the people teach (by name), and lay out each person's levels
    as one row: (skill -> column, an (people, skills) array, 0 where not taught)."""
    skills = {s: i for i, s in enumerate(sorted({s for taught in teaching for s in taught}))}
    levels = np.zeros((len(teaching), len(skills)), dtype=np.int8)
    for j, taught in enumerate(teaching):
        for s, level in taught.items():
            levels[j, skills[s]] = level
    return skills, levels
