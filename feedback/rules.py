"""The rules of collecting feedback, as plain functions: when a mentorship's next check-in
is due, when its scores flag it for an admin, and what an asker reads about how clearly
they ask, and when that changes.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from feedback.metrics import MIN_RESPONSES, rating_summary

CHECKIN_DAYS = 14  # the default beat of check-ins; the app's CHECKIN_DAYS setting overrides it
LOW_SCORE = 2  # "Is this useful?" at or below this is a low score
LOW_IN_A_ROW = 2  # this many low scores in a row from one side flag the mentorship
# No check-in this close to the mentorship's "is it a good fit?" mail: it waits until after.
FIT_CHECK_GAP = timedelta(days=3)


def checkin_round(
    started_at: datetime, now: datetime, days: int = CHECKIN_DAYS, fit_check_at: datetime | None = None
) -> int:
    """Which check-in is due now: 0 before the first (`days` after the start), then 1, 2, ...

    Only the latest round is ever sent, so a mentorship that was not looked at for a while
    gets one check-in, not a pile of old ones. A round that falls due within FIT_CHECK_GAP
    of the fit check (`fit_check_at`) waits until FIT_CHECK_GAP after it, so the two people
    are not asked twice in a few days (by default both come on day 14).
    """
    if days < 1:
        raise ValueError(f"check-ins need at least a day between them, not {days}")
    if now < started_at:
        return 0
    beat = timedelta(days=days)
    round_ = (now - started_at) // beat
    if round_ >= 1 and fit_check_at is not None:
        due = started_at + round_ * beat
        if abs(due - fit_check_at) < FIT_CHECK_GAP and now < fit_check_at + FIT_CHECK_GAP:
            return round_ - 1
    return round_


def low_in_a_row(scores: Sequence[int]) -> bool:
    """Tell whether one side's answers, oldest first, end with LOW_IN_A_ROW low scores.

    Unanswered check-ins are left out before calling: skipping one does not break a row.
    """
    last = scores[-LOW_IN_A_ROW:]
    return len(last) == LOW_IN_A_ROW and all(score <= LOW_SCORE for score in last)


# What askers read about the clarity of their questions.

CLARITY_TIPS = (
    # (lowest mean the tip is for, the tip), highest first
    (4.5, "Mentors find your questions very clear. Keep saying what you tried and what happened."),
    (3.5, "Mentors mostly find your questions clear. A link to the task or page saves them a step."),
    (
        2.5,
        "Mentors sometimes have to ask what you mean. Say what you are trying to do, what you "
        "tried, and paste the exact error.",
    ),
    (
        0.0,
        "Mentors often find your questions hard to follow. Start with your goal in one line, then "
        "what you tried, what happened and what you expected; paste errors as text, not screenshots.",
    ),
)


@dataclass(frozen=True)
class ClarityShown:
    """How clearly a person asks, as they may see it: how many ratings, their mean, and a tip
    (never how many of each score, which would single ratings out)."""

    responses: int
    mean: float
    tip: str


def clarity_tip(mean: float) -> str:
    """The tip that goes with a mean clarity score (1 to 5)."""
    return next(tip for lowest, tip in CLARITY_TIPS if mean >= lowest)


def clarity_shown(scores: Iterable[int]) -> ClarityShown | None:
    """The asker's clarity aggregate with its tip; None below the fewest ratings shown, so
    no single mentor's rating can be read off it."""
    summary = rating_summary(scores)
    if summary is None:
        return None
    return ClarityShown(summary.responses, summary.mean, clarity_tip(summary.mean))


def clarity_due(new_ratings: int) -> bool:
    """Whether what an asker reads of their clarity is brought up to date, given how many
    ratings came since it last was (since ever, the first time): only once MIN_RESPONSES
    have, so that reading it before and after never gives one rating away. A changed
    rating is no new rating; it shows with the next update."""
    return new_ratings >= MIN_RESPONSES
