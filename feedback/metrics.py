"""The lead's dashboard figures, each beside the same figure for the period before: how fast
help arrives, whether it helps, where the team gets stuck, who carries the answering, and
how mentorships are going.

Pure: plain rows in (the named tuples below, filled by a query), plain values out; no
Flask, no database. Each function picks the rows of its period by their own moments, so one
list of rows covering a period and the one before serves both sides of every comparison.
Where a figure only counts, it is split in two: the counting (asked_by_skill,
answers_by_mentor, task_rating_counts, checkin_score_counts), which `feedback.rows` can have
the database do instead, and the rest (rank_skill_gaps, rank_mentor_load, ratings_compared);
the function over rows stays the definition both must agree with.

Definitions a reader can check by hand:
- A percentile is linearly interpolated between the two nearest ranks (the method of most
  spreadsheets and NumPy's default): sort the n values, take position p/100 * (n - 1)
  counting from 0, and go that fraction of the way between the values on either side. The
  median is the 50th percentile, so it is the middle value, or the mean of the two middle
  values.
- Time to first reply counts the questions asked in the period that have had a reply.
- A question's deadline is when its first reply was due. It is met if the reply came at or
  before it, missed if the reply came later or never came and the deadline has passed;
  questions whose deadline is still ahead with no reply yet are not counted either way.
- Ratings, helpfulness and check-in scores are shown only over at least MIN_RESPONSES
  responses, so nobody's single rating can be read off the dashboard.
- Task ratings and check-in scores are also counted in groups of MIN_RESPONSES, in the order
  they came: a rating counts from the moment its group is complete, in the period that moment
  falls in. Any period's figure is then over whole groups, so no two periods (nor one period
  read before and after a rating) differ by fewer than MIN_RESPONSES ratings, and no single
  rating can be worked out by comparing them. See feedback.released.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from feedback.periods import Period
from feedback.released import released

MIN_RESPONSES = 3
NOT_ENOUGH_RESPONSES = f"Not enough responses (fewer than {MIN_RESPONSES})"
RATING_SCALE = range(1, 6)
URGENCIES = ("blocking", "can_wait")
ALL = "all"


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


# The figures

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


@dataclass(frozen=True)
class RatingSummary:
    """Ratings on the 1-to-5 scale: how many, their mean, and how many of each."""

    responses: int
    mean: float
    counts: tuple[int, int, int, int, int]  # of 1, 2, 3, 4, 5


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


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: float | None


# Building blocks

def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0 to 100), linearly interpolated; None for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile lies between 0 and 100, not {p}")
    return _percentile_of_sorted(sorted(values), p)


def _percentile_of_sorted(ordered: Sequence[float], p: float) -> float | None:
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


def check_rating(value: object) -> int:
    """The rating as an int; ValueError saying the scale for anything off the 1-to-5 scale."""
    if type(value) is not int or value not in RATING_SCALE:
        raise ValueError(f"a rating goes from 1 to 5, not {value!r}")
    return value


def enough_responses(count: int) -> bool:
    """Tell whether an aggregate over this many responses may be shown to a lead."""
    return count >= MIN_RESPONSES


def rating_summary(ratings: Iterable[int]) -> RatingSummary | None:
    """The ratings' count, mean and distribution; None below MIN_RESPONSES responses.
    ValueError for a rating off the scale, shown or not."""
    return summary_of_counts(Counter(check_rating(r) for r in ratings))


def summary_of_counts(counts: Mapping[int, int]) -> RatingSummary | None:
    """rating_summary of ratings given as how many there are of each."""
    for rating, count in counts.items():
        if count:
            check_rating(rating)
    responses = sum(counts.values())
    if not enough_responses(responses):
        return None
    return RatingSummary(responses, sum(r * n for r, n in counts.items()) / responses,
                         tuple(counts.get(r, 0) for r in RATING_SCALE))


def shown(value: float | None, fmt: str = "{:.1f}") -> str:
    """A rating aggregate as a lead reads it, or the reason it is not shown."""
    return NOT_ENOUGH_RESPONSES if value is None else fmt.format(value)


def _within(rows: Iterable, period: Period, moment: Callable[[object], datetime | None]) -> list:
    """The rows whose moment falls in the period."""
    start, end = period.start, period.end
    return [row for row in rows if (at := moment(row)) is not None and start <= at < end]


# The two filters run most often, written out: this is the dashboard's hot loop.

def _asked_in(questions: Iterable[QuestionRow], period: Period) -> list[QuestionRow]:
    start, end = period.start, period.end
    return [q for q in questions if start <= q.asked_at < end]


def _resolved_in(questions: Iterable[QuestionRow], period: Period) -> list[QuestionRow]:
    start, end = period.start, period.end
    return [q for q in questions if q.resolved_at is not None and start <= q.resolved_at < end]


def _wait(question: QuestionRow) -> float:
    """Minutes from asking to the first reply."""
    return (question.first_reply_at - question.asked_at).total_seconds() / 60


# Time to first reply

def reply_times(questions: Sequence[QuestionRow], period: Period, now: datetime) -> list[ReplyTimes]:
    """Median and 90th-percentile minutes to the first reply, and the share of deadlines
    met, for blocking questions, questions that can wait, and all together."""
    now_figures = _reply_figures(_asked_in(questions, period), now)
    old_figures = _reply_figures(_asked_in(questions, period.previous()), now)
    return [ReplyTimes(urgency, *(Compared(a, b) for a, b in zip(now_figures[urgency], old_figures[urgency])))
            for urgency in URGENCIES + (ALL,)]


def _reply_figures(asked: list[QuestionRow], now: datetime) -> dict[str, tuple]:
    """By urgency and for all: (questions answered, median, p90, share of deadlines met)."""
    waits: dict[str, list[float]] = {urgency: [] for urgency in URGENCIES}
    met, missed = Counter(), Counter()
    for q in asked:
        reply, due = q.first_reply_at, q.deadline_at
        if reply is not None:
            waits.setdefault(q.urgency, []).append(_wait(q))
        if due is not None:
            if reply is not None and reply <= due:
                met[q.urgency] += 1
            elif reply is not None or due <= now:
                missed[q.urgency] += 1

    def figures(times: list[float], met: int, missed: int) -> tuple:
        times.sort()
        return (len(times), _percentile_of_sorted(times, 50), _percentile_of_sorted(times, 90),
                share(met, met + missed))

    result = {urgency: figures(list(times), met[urgency], missed[urgency]) for urgency, times in waits.items()}
    result[ALL] = figures([t for times in waits.values() for t in times], sum(met.values()), sum(missed.values()))
    return result


# Counts

def question_counts(questions: Sequence[QuestionRow], self_solved_at: Sequence[datetime],
                    period: Period) -> QuestionCounts:
    """Questions asked, resolved and escalated, and problems solved from the knowledge base
    (`self_solved_at`: when each was), in the period and the one before."""
    def figures(p: Period) -> tuple[int, int, int, int]:
        asked = _asked_in(questions, p)
        return (len(asked), len(_resolved_in(questions, p)), sum(q.escalated for q in asked),
                len(_within(self_solved_at, p, lambda at: at)))

    now_figures, old_figures = figures(period), figures(period.previous())
    return QuestionCounts(*(Compared(a, b) for a, b in zip(now_figures, old_figures)))


def skill_gaps(questions: Sequence[QuestionRow], period: Period, taught_skill_ids: Iterable[int],
               limit: int = 10) -> list[SkillGap]:
    """The skills most questions asked in the period were tagged with, most first (ties by
    id), each saying whether any of the team's mentors teaches it."""
    return rank_skill_gaps(asked_by_skill(questions, period), asked_by_skill(questions, period.previous()),
                           taught_skill_ids, limit)


def asked_by_skill(questions: Iterable[QuestionRow], period: Period) -> Counter[int]:
    """How many of the questions asked in the period were tagged with each skill."""
    return Counter(s for q in _asked_in(questions, period) for s in set(q.skill_ids))


def rank_skill_gaps(now_counts: Mapping[int, int], old_counts: Mapping[int, int],
                    taught_skill_ids: Iterable[int], limit: int = 10) -> list[SkillGap]:
    """The skill gaps from how many questions each skill had in the period and the one
    before (see asked_by_skill): the `limit` skills with most in the period."""
    taught = set(taught_skill_ids)
    top = sorted(((skill_id, count) for skill_id, count in now_counts.items() if count),
                 key=lambda item: (-item[1], item[0]))[:limit]
    return [SkillGap(skill_id, Compared(count, old_counts.get(skill_id, 0)), skill_id in taught)
            for skill_id, count in top]


# Feedback

def helpfulness(questions: Sequence[QuestionRow], period: Period) -> Compared:
    """The share of answers found helpful, over questions resolved in the period with an
    answer feedback; None below MIN_RESPONSES."""
    def figure(p: Period) -> float | None:
        rated = [q.helpful for q in _resolved_in(questions, p) if q.helpful is not None]
        return share(sum(rated), len(rated)) if enough_responses(len(rated)) else None

    return Compared(figure(period), figure(period.previous()))


def task_ratings(feedback: Sequence[TaskFeedbackRow], period: Period) -> tuple[RatingSummary | None, Compared]:
    """The period's task-feedback ratings (None below MIN_RESPONSES), and their mean beside
    the period before's."""
    return ratings_compared(task_rating_counts(feedback, period), task_rating_counts(feedback, period.previous()))


def task_rating_counts(feedback: Iterable[TaskFeedbackRow], period: Period) -> Counter[int]:
    """How many task-feedback ratings of each value count in the period (see released());
    `feedback` holds every rating up to the period's end, not only the period's."""
    ordered = sorted(feedback, key=attrgetter("submitted_at", "id"))
    return Counter(f.rating for f in released(ordered, period, attrgetter("submitted_at"), MIN_RESPONSES))


def checkin_scores(checkins: Sequence[CheckinRow], period: Period) -> tuple[RatingSummary | None, Compared]:
    """The period's mentorship check-in scores (None below MIN_RESPONSES), and their mean
    beside the period before's."""
    return ratings_compared(checkin_score_counts(checkins, period), checkin_score_counts(checkins, period.previous()))


def checkin_score_counts(checkins: Iterable[CheckinRow], period: Period) -> Counter[int]:
    """How many check-in scores of each value count in the period (see released());
    `checkins` holds every first answer up to the period's end, not only the period's."""
    ordered = sorted(checkins, key=attrgetter("answered_at", "id"))
    return Counter(c.score for c in released(ordered, period, attrgetter("answered_at"), MIN_RESPONSES))


def ratings_compared(now_counts: Mapping[int, int],
                     old_counts: Mapping[int, int]) -> tuple[RatingSummary | None, Compared]:
    """The period's ratings summed up (None below MIN_RESPONSES), and their mean beside the
    period before's, from how many ratings of each value each period had."""
    now, old = summary_of_counts(now_counts), summary_of_counts(old_counts)
    return now, Compared(now.mean if now else None, old.mean if old else None)


# Mentors and mentorships

class MentorAnswers(NamedTuple):
    """What one mentor answered: how many questions in the period and in the one before, and
    of the questions resolved in the period with answer feedback that they answered, how many
    and how many of those were found helpful."""

    answered: int = 0
    answered_before: int = 0
    rated: int = 0
    found_helpful: int = 0


def mentor_load(answers: Sequence[AnswerRow], open_by_mentor: Mapping[int, int],
                questions: Sequence[QuestionRow], period: Period,
                mentor_ids: Iterable[int] = ()) -> list[MentorLoad]:
    """Per mentor: questions waiting for them now, questions they answered in the period
    (and before), their share of the team's answers, and how helpful askers found them.

    Every mentor in `mentor_ids` is listed, so one who answers nothing shows too; the one
    answering most comes first (then most open questions, then by id). Helpfulness counts
    questions resolved in the period with answer feedback that the mentor answered, and
    is None below MIN_RESPONSES.
    """
    return rank_mentor_load(answers_by_mentor(answers, questions, period), open_by_mentor, mentor_ids)


def answers_by_mentor(answers: Iterable[AnswerRow], questions: Iterable[QuestionRow],
                      period: Period) -> dict[int, MentorAnswers]:
    """Each answering mentor's counts (see MentorAnswers); several replies on one question
    count once, and an answer counts in the period its row's moment falls in."""
    def answered(p: Period) -> dict[int, set[int]]:
        by_mentor: dict[int, set[int]] = defaultdict(set)
        for a in _within(answers, p, attrgetter("answered_at")):
            by_mentor[a.mentor_id].add(a.question_id)
        return by_mentor

    now_answers, old_answers = answered(period), answered(period.previous())
    rated_ids = {q.id: q.helpful for q in _resolved_in(questions, period) if q.helpful is not None}
    rated: dict[int, list[bool]] = defaultdict(list)
    for mentor_id, question_id in {(a.mentor_id, a.question_id) for a in answers if a.question_id in rated_ids}:
        rated[mentor_id].append(rated_ids[question_id])
    return {m: MentorAnswers(len(now_answers.get(m, ())), len(old_answers.get(m, ())),
                             len(rated.get(m, ())), sum(rated.get(m, ())))
            for m in set(now_answers) | set(old_answers) | set(rated)}


def rank_mentor_load(by_mentor: Mapping[int, MentorAnswers], open_by_mentor: Mapping[int, int],
                     mentor_ids: Iterable[int] = ()) -> list[MentorLoad]:
    """The mentor load from each mentor's answer counts (see answers_by_mentor) and open
    questions, ordered as mentor_load says."""
    total = sum(a.answered for a in by_mentor.values())
    everyone = (set(mentor_ids) | {m for m, a in by_mentor.items() if a.answered}
                | {m for m, n in open_by_mentor.items() if n})
    loads = []
    for m in everyone:
        a = by_mentor.get(m, MentorAnswers())
        loads.append(MentorLoad(m, open_by_mentor.get(m, 0), Compared(a.answered, a.answered_before),
                                share(a.answered, total),
                                share(a.found_helpful, a.rated) if enough_responses(a.rated) else None))
    return sorted(loads, key=lambda load: (-load.answers.value, -load.open_questions, load.mentor_id))


def mentorship_counts(mentorships: Sequence[MentorshipRow], period: Period, now: datetime) -> MentorshipCounts:
    """Mentorships active and proposals still waiting at the end of the period (or now, if
    sooner), and mentorships ended early in the period; each beside the period before."""
    def figures(p: Period) -> tuple[int, int, int]:
        moment = min(p.end, now)
        active = sum(m.started_at is not None and m.started_at < moment
                     and (m.ended_at is None or m.ended_at >= moment) for m in mentorships)
        waiting = sum(m.proposed_at < moment and _undecided(m, moment) for m in mentorships)
        ended = sum(m.state == "ended" and p.contains(m.ended_at) for m in mentorships)
        return active, waiting, ended

    now_figures, old_figures = figures(period), figures(period.previous())
    return MentorshipCounts(*(Compared(a, b) for a, b in zip(now_figures, old_figures)))


def _undecided(mentorship: MentorshipRow, moment: datetime) -> bool:
    if mentorship.decided_at is not None:
        return mentorship.decided_at >= moment
    return mentorship.state == "proposed"  # decided at a moment nobody recorded: not waiting


# Trends

def trend(period: Period, rows: Iterable, moment: Callable[[object], datetime | None],
          measure: Callable[[list], float | None] = len) -> list[TrendPoint]:
    """The measure of the rows falling in each step of the period (see Period.steps): by
    default how many, e.g. trend(quarter, questions, lambda q: q.asked_at) for the
    questions asked each week. A measure returns None for a step with nothing to show."""
    steps = period.steps()
    starts = [step.start for step in steps]
    buckets: list[list] = [[] for _ in steps]
    for row in _within(rows, period, moment):
        buckets[bisect_right(starts, moment(row)) - 1].append(row)
    return [TrendPoint(step, measure(bucket)) for step, bucket in zip(steps, buckets)]


def reply_trend(questions: Sequence[QuestionRow], period: Period) -> list[TrendPoint]:
    """The median minutes to a first reply of the questions asked in each step."""
    return trend(period, questions, attrgetter("asked_at"),
                 lambda asked: median(_wait(q) for q in asked if q.first_reply_at is not None))
