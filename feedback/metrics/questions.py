"""Questions: how fast the first reply comes, how many are asked, resolved and escalated,
and the skills the team gets stuck on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from feedback.metrics.common import (
    ALL,
    URGENCIES,
    Compared,
    QuestionRow,
    asked_in,
    percentile_of_sorted,
    resolved_in,
    share,
    wait_minutes,
    within,
)
from feedback.periods import Period


@dataclass(frozen=True)
class ReplyTimes:
    """How fast questions of one urgency (or "all") got their first reply."""

    urgency: str
    answered: Compared  # questions asked in the period that have had a reply
    median_minutes: Compared
    p90_minutes: Compared
    within_deadline: Compared  # share of the decided deadlines that were met, 0 to 1


@dataclass(frozen=True)
class QuestionCounts:
    asked: Compared
    resolved: Compared  # resolved in the period, whenever asked
    escalated: Compared  # asked in the period and gone to the team lead
    self_solved: Compared  # answered from the knowledge base, no mentor asked


@dataclass(frozen=True)
class SkillGap:
    skill_id: int
    questions: Compared  # questions asked in the period tagged with the skill
    taught: bool  # some mentor in the team teaches it


# Time to first reply


def reply_times(questions: Sequence[QuestionRow], period: Period, now: datetime) -> list[ReplyTimes]:
    """Median and 90th-percentile minutes to the first reply, and the share of deadlines
    met, for blocking questions, questions that can wait, and all together."""
    now_figures = _reply_figures(asked_in(questions, period), now)
    old_figures = _reply_figures(asked_in(questions, period.previous()), now)
    return [
        ReplyTimes(urgency, *(Compared(a, b) for a, b in zip(now_figures[urgency], old_figures[urgency], strict=True)))
        for urgency in URGENCIES + (ALL,)
    ]


def _reply_figures(asked: list[QuestionRow], now: datetime) -> dict[str, tuple]:
    """By urgency and for all: (questions answered, median, p90, share of deadlines met)."""
    waits: dict[str, list[float]] = {urgency: [] for urgency in URGENCIES}
    met: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for q in asked:
        reply, due = q.first_reply_at, q.deadline_at
        if reply is not None:
            waits.setdefault(q.urgency, []).append(wait_minutes(q))
        if due is not None:
            if reply is not None and reply <= due:
                met[q.urgency] += 1
            elif reply is not None or due <= now:
                missed[q.urgency] += 1

    def figures(times: list[float], met: int, missed: int) -> tuple:
        times.sort()
        return (len(times), percentile_of_sorted(times, 50), percentile_of_sorted(times, 90), share(met, met + missed))

    result = {urgency: figures(list(times), met[urgency], missed[urgency]) for urgency, times in waits.items()}
    result[ALL] = figures([t for times in waits.values() for t in times], sum(met.values()), sum(missed.values()))
    return result


# Counts


def question_counts(
    questions: Sequence[QuestionRow], self_solved_at: Sequence[datetime], period: Period
) -> QuestionCounts:
    """Questions asked, resolved and escalated, and problems solved from the knowledge base
    (`self_solved_at`: when each was), in the period and the one before."""

    def figures(p: Period) -> tuple[int, int, int, int]:
        asked = asked_in(questions, p)
        return (
            len(asked),
            len(resolved_in(questions, p)),
            sum(q.escalated for q in asked),
            len(within(self_solved_at, p, lambda at: at)),
        )

    now_figures, old_figures = figures(period), figures(period.previous())
    return QuestionCounts(*(Compared(a, b) for a, b in zip(now_figures, old_figures, strict=True)))


def skill_gaps(
    questions: Sequence[QuestionRow], period: Period, taught_skill_ids: Iterable[int], limit: int = 10
) -> list[SkillGap]:
    """The skills most questions asked in the period were tagged with, most first (ties by
    id), each saying whether any of the team's mentors teaches it."""
    return rank_skill_gaps(
        asked_by_skill(questions, period), asked_by_skill(questions, period.previous()), taught_skill_ids, limit
    )


def asked_by_skill(questions: Iterable[QuestionRow], period: Period) -> Counter[int]:
    """How many of the questions asked in the period were tagged with each skill."""
    return Counter(s for q in asked_in(questions, period) for s in set(q.skill_ids))


def rank_skill_gaps(
    now_counts: Mapping[int, int], old_counts: Mapping[int, int], taught_skill_ids: Iterable[int], limit: int = 10
) -> list[SkillGap]:
    """The skill gaps from how many questions each skill had in the period and the one
    before (see asked_by_skill): the `limit` skills with most in the period."""
    taught = set(taught_skill_ids)
    top = sorted(
        ((skill_id, count) for skill_id, count in now_counts.items() if count), key=lambda item: (-item[1], item[0])
    )[:limit]
    return [
        SkillGap(skill_id, Compared(count, old_counts.get(skill_id, 0)), skill_id in taught) for skill_id, count in top
    ]
