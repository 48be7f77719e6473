"""Mentors and mentorships: who carries the answering, how helpful askers found them, and
how many mentorships are active, waiting or ended early."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from feedback.metrics.common import AnswerRow, Compared, MentorshipRow, QuestionRow, resolved_in, share, within
from feedback.metrics.ratings import enough_responses
from feedback.periods import Period


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: int
    open_questions: int  # waiting for this mentor's reply now
    answers: Compared  # questions this mentor answered in the period
    share_of_answers: float | None  # of all the team's answers in the period, 0 to 1
    helpful: float | None  # share of rated answers found helpful; None below MIN_RESPONSES


@dataclass(frozen=True)
class MentorshipCounts:
    active: Compared  # at the end of the period (or now, for a period still running)
    waiting: Compared  # proposed, the mentor has not answered yet, at the same moment
    ended_early: Compared  # ended by either side in the period, before the programme's end


# Mentors and mentorships


class MentorAnswers(NamedTuple):
    """What one mentor answered: how many questions in the period and in the one before, and
    of the questions resolved in the period with answer feedback that they answered, how many
    and how many of those were found helpful."""

    answered: int = 0
    answered_before: int = 0
    rated: int = 0
    found_helpful: int = 0


def mentor_load(
    answers: Sequence[AnswerRow],
    open_by_mentor: Mapping[int, int],
    questions: Sequence[QuestionRow],
    period: Period,
    mentor_ids: Iterable[int] = (),
) -> list[MentorLoad]:
    """Per mentor: questions waiting for them now, questions they answered in the period
    (and before), their share of the team's answers, and how helpful askers found them.

    Every mentor in `mentor_ids` is listed, so one who answers nothing shows too; the one
    answering most comes first (then most open questions, then by id). Helpfulness counts
    questions resolved in the period with answer feedback that the mentor answered, and
    is None below MIN_RESPONSES.
    """
    return rank_mentor_load(answers_by_mentor(answers, questions, period), open_by_mentor, mentor_ids)


def answers_by_mentor(
    answers: Iterable[AnswerRow], questions: Iterable[QuestionRow], period: Period
) -> dict[int, MentorAnswers]:
    """Each answering mentor's counts (see MentorAnswers); several replies on one question
    count once, and an answer counts in the period its row's moment falls in."""

    def answered(p: Period) -> dict[int, set[int]]:
        by_mentor: dict[int, set[int]] = defaultdict(set)
        for a in within(answers, p, attrgetter("answered_at")):
            by_mentor[a.mentor_id].add(a.question_id)
        return by_mentor

    now_answers, old_answers = answered(period), answered(period.previous())
    rated_ids = {q.id: q.helpful for q in resolved_in(questions, period) if q.helpful is not None}
    rated: dict[int, list[bool]] = defaultdict(list)
    for mentor_id, question_id in {(a.mentor_id, a.question_id) for a in answers if a.question_id in rated_ids}:
        rated[mentor_id].append(rated_ids[question_id])
    return {
        m: MentorAnswers(
            len(now_answers.get(m, ())), len(old_answers.get(m, ())), len(rated.get(m, ())), sum(rated.get(m, ()))
        )
        for m in set(now_answers) | set(old_answers) | set(rated)
    }


def rank_mentor_load(
    by_mentor: Mapping[int, MentorAnswers], open_by_mentor: Mapping[int, int], mentor_ids: Iterable[int] = ()
) -> list[MentorLoad]:
    """The mentor load from each mentor's answer counts (see answers_by_mentor) and open
    questions, ordered as mentor_load says."""
    total = sum(a.answered for a in by_mentor.values())
    everyone = (
        set(mentor_ids) | {m for m, a in by_mentor.items() if a.answered} | {m for m, n in open_by_mentor.items() if n}
    )
    loads = []
    for m in everyone:
        a = by_mentor.get(m, MentorAnswers())
        loads.append(
            MentorLoad(
                m,
                open_by_mentor.get(m, 0),
                Compared(a.answered, a.answered_before),
                share(a.answered, total),
                share(a.found_helpful, a.rated) if enough_responses(a.rated) else None,
            )
        )
    return sorted(loads, key=lambda load: (-(load.answers.value or 0), -load.open_questions, load.mentor_id))


def mentorship_counts(mentorships: Sequence[MentorshipRow], period: Period, now: datetime) -> MentorshipCounts:
    """Mentorships active and proposals still waiting at the end of the period (or now, if
    sooner), and mentorships ended early in the period; each beside the period before."""

    def figures(p: Period) -> tuple[int, int, int]:
        moment = min(p.end, now)
        active = sum(
            m.started_at is not None and m.started_at < moment and (m.ended_at is None or m.ended_at >= moment)
            for m in mentorships
        )
        waiting = sum(m.proposed_at < moment and _undecided(m, moment) for m in mentorships)
        ended = sum(m.state == "ended" and p.contains(m.ended_at) for m in mentorships)
        return active, waiting, ended

    now_figures, old_figures = figures(period), figures(period.previous())
    return MentorshipCounts(*(Compared(a, b) for a, b in zip(now_figures, old_figures, strict=True)))


def _undecided(mentorship: MentorshipRow, moment: datetime) -> bool:
    if mentorship.decided_at is not None:
        return mentorship.decided_at >= moment
    return mentorship.state == "proposed"  # decided at a moment nobody recorded: not waiting
