"""Ratings and feedback: the 1-to-5 scale summed up, shown only over MIN_RESPONSES
responses; answers found helpful, task ratings and check-in scores, counted in whole groups
(see feedback.released)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

from feedback.metrics.common import CheckinRow, Compared, QuestionRow, TaskFeedbackRow, resolved_in, share
from feedback.periods import Period
from feedback.released import released

MIN_RESPONSES = 3
NOT_ENOUGH_RESPONSES = f"Not enough responses (fewer than {MIN_RESPONSES})"
RATING_SCALE = range(1, 6)


@dataclass(frozen=True)
class RatingSummary:
    """Ratings on the 1-to-5 scale: how many, their mean, and how many of each."""

    responses: int
    mean: float
    counts: tuple[int, ...]  # how many of 1, 2, 3, 4 and 5, in that order


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
    return RatingSummary(
        responses, sum(r * n for r, n in counts.items()) / responses, tuple(counts.get(r, 0) for r in RATING_SCALE)
    )


def shown(value: float | None, fmt: str = "{:.1f}") -> str:
    """A rating aggregate as a lead reads it, or the reason it is not shown."""
    return NOT_ENOUGH_RESPONSES if value is None else fmt.format(value)


# Feedback


def helpfulness(questions: Sequence[QuestionRow], period: Period) -> Compared:
    """The share of answers found helpful, over questions resolved in the period with an
    answer feedback; None below MIN_RESPONSES."""

    def figure(p: Period) -> float | None:
        rated = [q.helpful for q in resolved_in(questions, p) if q.helpful is not None]
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


def ratings_compared(
    now_counts: Mapping[int, int], old_counts: Mapping[int, int]
) -> tuple[RatingSummary | None, Compared]:
    """The period's ratings summed up (None below MIN_RESPONSES), and their mean beside the
    period before's, from how many ratings of each value each period had."""
    now, old = summary_of_counts(now_counts), summary_of_counts(old_counts)
    return now, Compared(now.mean if now else None, old.mean if old else None)
