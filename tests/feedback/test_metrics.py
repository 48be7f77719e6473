"""The dashboard's figures on small hand-made data, each expected value worked out by hand
in the comments (the week is metrics_week's): percentiles, reply times, counts and skill
gaps, feedback and anonymity."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.metrics import (
    NOT_ENOUGH_RESPONSES,
    CheckinRow,
    Compared,
    TaskFeedbackRow,
    check_rating,
    checkin_scores,
    enough_responses,
    helpfulness,
    median,
    percentile,
    question_counts,
    rating_summary,
    reply_times,
    shown,
    skill_gaps,
    task_rating_counts,
    task_ratings,
)
from feedback.periods import Period
from tests.feedback.metrics_week import NOW, WEEK, at, question

# Percentiles


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        # Sorted n values, position p/100 * (n - 1) from 0, interpolated between neighbours.
        ([10, 20, 30, 40, 50], 50, 30),  # position 2: the middle value
        ([50, 10, 40, 20, 30], 90, 46),  # position 3.6: 40 + 0.6 * (50 - 40)
        ([10, 20, 30, 40], 50, 25),  # position 1.5: halfway between 20 and 30
        ([10, 20, 30, 40], 90, 37),  # position 2.7: 30 + 0.7 * (40 - 30)
        ([10, 20, 30, 40], 0, 10),
        ([10, 20, 30, 40], 100, 40),
        ([7], 90, 7),  # one value is every percentile
    ],
)
def test_percentiles_are_interpolated_between_the_nearest_ranks(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_no_values_have_no_percentile_and_a_percentile_is_between_0_and_100():
    assert median([]) is None
    assert percentile([], 90) is None
    with pytest.raises(ValueError, match="between 0 and 100, not 101"):
        percentile([1, 2], 101)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.floats(0, 100))
def test_a_percentile_agrees_with_numpy_and_lies_between_the_extremes(values, p):
    value = percentile(values, p)
    assert value == pytest.approx(float(np.percentile(values, p)), abs=1e-6)
    assert min(values) - 1e-6 <= value <= max(values) + 1e-6
    assert min(values) - 1e-6 <= median(values) <= max(values) + 1e-6


# Time to first reply


def test_reply_times_and_deadlines_by_urgency():
    monday = at(16)
    questions = [
        # This week, blocking, due 30 minutes after asking: replies after 10..50 minutes.
        # Median 30; p90 at position 3.6 is 40 + 0.6 * 10 = 46; deadline met by the
        # replies after 10, 20 and 30 minutes (on the minute counts), missed by 40 and 50.
        *(question(i, monday, reply_after=m, deadline_after=30) for i, m in enumerate([10, 20, 30, 40, 50], 1)),
        # This week, can wait, due after 240 minutes.
        question(6, monday, "can_wait", reply_after=120, deadline_after=240),  # met
        question(7, at(19), "can_wait", deadline_after=240),  # no reply, due 20 Nov 13:00 < now: missed
        question(8, at(21, 11), "can_wait", deadline_after=240),  # no reply, due 15:00 > now: not yet
        question(9, at(17), "can_wait"),  # never routed, never answered: no deadline to meet
        # Last week, blocking: 60 and 80 minutes, both late. Median 70, p90 60 + 0.9 * 20 = 78.
        question(10, at(10), reply_after=60, deadline_after=30),
        question(11, at(11), reply_after=80, deadline_after=30),
        # Before last week: in neither period.
        question(12, at(2), reply_after=1000, deadline_after=30),
    ]
    blocking, can_wait, everything = reply_times(questions, WEEK, NOW)

    assert blocking.urgency == "blocking"
    assert blocking.answered == Compared(5, 2)
    assert blocking.median_minutes == Compared(30, 70)
    assert blocking.median_minutes.change == -40
    assert blocking.p90_minutes.value == pytest.approx(46)
    assert blocking.p90_minutes.previous == pytest.approx(78)
    assert blocking.within_deadline == Compared(3 / 5, 0)

    assert can_wait.answered == Compared(1, 0)
    assert can_wait.median_minutes == Compared(120, None)
    assert can_wait.median_minutes.change is None
    assert can_wait.within_deadline == Compared(1 / 2, None)  # question 8 is not decided yet

    # All: waits 10, 20, 30, 40, 50, 120: median (30 + 40) / 2 = 35; p90 at position 4.5
    # is 50 + 0.5 * 70 = 85. Deadlines met 3 + 1 of 5 + 2.
    assert everything.urgency == "all"
    assert everything.median_minutes.value == 35
    assert everything.p90_minutes.value == pytest.approx(85)
    assert everything.within_deadline.value == pytest.approx(4 / 7)


def test_a_week_without_questions_has_no_reply_figures():
    blocking, can_wait, everything = reply_times([], WEEK, NOW)
    assert everything.answered == Compared(0, 0)
    assert everything.median_minutes == Compared(None, None)
    assert everything.within_deadline == Compared(None, None)


# Counts and skill gaps


def test_questions_asked_resolved_escalated_and_solved_from_the_knowledge_base():
    questions = [
        question(1, at(16), resolved_at=at(16, 15)),  # asked and resolved this week
        question(2, at(17), escalated=True),  # asked this week, went to the lead
        question(3, at(20), escalated=True, resolved_at=at(23, 10)),  # resolved next week
        question(4, at(12), resolved_at=at(18)),  # asked last week, resolved this week
        question(5, at(13), escalated=True, resolved_at=at(14)),  # all last week
    ]
    self_solved = [at(16, 10), at(22, 23, 59), at(23, 0), at(9)]  # 2 this week, 1 next, 1 last
    counts = question_counts(questions, self_solved, WEEK)
    assert counts.asked == Compared(3, 2)  # 1, 2, 3 | 4, 5
    assert counts.resolved == Compared(2, 1)  # 1, 4 | 5
    assert counts.escalated == Compared(2, 1)  # 2, 3 | 5
    assert counts.self_solved == Compared(2, 1)


def test_skill_gaps_are_the_most_asked_about_skills_and_say_which_no_mentor_teaches():
    SQL, KAFKA, DOCKER, GO = 1, 2, 3, 4
    questions = [
        question(1, at(16), skill_ids=(SQL, KAFKA)),
        question(2, at(17), skill_ids=(SQL, SQL)),  # tagged twice, counted once
        question(3, at(18), skill_ids=(DOCKER, SQL)),
        question(4, at(19), skill_ids=(KAFKA, GO)),
        question(5, at(20)),
        question(6, at(10), skill_ids=(KAFKA,)),  # last week
        question(7, at(11), skill_ids=(KAFKA, GO)),
    ]
    # This week: SQL 3, Kafka 2, Docker 1, Go 1 (the tie goes by id); last week Kafka 2, Go 1.
    gaps = skill_gaps(questions, WEEK, taught_skill_ids={KAFKA, GO})
    assert [(g.skill_id, g.questions, g.taught) for g in gaps] == [
        (SQL, Compared(3, 0), False),
        (KAFKA, Compared(2, 2), True),
        (DOCKER, Compared(1, 0), False),
        (GO, Compared(1, 1), True),
    ]
    assert [g.skill_id for g in skill_gaps(questions, WEEK, set(), limit=2)] == [SQL, KAFKA]


# Feedback and anonymity


def test_ratings_are_shown_only_over_three_responses_or_more():
    assert not enough_responses(2) and enough_responses(3)
    assert rating_summary([5, 1]) is None
    assert shown(None) == NOT_ENOUGH_RESPONSES == "Not enough responses (fewer than 3)"
    summary = rating_summary([5, 1, 3])
    assert (summary.responses, summary.mean, summary.counts) == (3, 3.0, (1, 0, 1, 0, 1))
    assert shown(summary.mean) == "3.0"


def test_answer_helpfulness_counts_feedback_given_on_resolving():
    questions = [
        question(1, at(12), resolved_at=at(16), helpful=True),
        question(2, at(16), resolved_at=at(17), helpful=True),
        question(3, at(16), resolved_at=at(18), helpful=False),
        question(4, at(16), resolved_at=at(18)),  # no feedback given
        question(5, at(16), helpful=True),  # not resolved: cannot count
        # Last week only two responses: not shown.
        question(6, at(9), resolved_at=at(10), helpful=True),
        question(7, at(9), resolved_at=at(11), helpful=False),
    ]
    assert helpfulness(questions, WEEK) == Compared(2 / 3, None)


def test_task_feedback_ratings_count_in_groups_of_three_in_the_order_they_came():
    feedback = [TaskFeedbackRow(at(d), r) for d, r in [(16, 5), (17, 4), (18, 4), (19, 2), (22, 5)]]
    feedback += [TaskFeedbackRow(at(10), 3), TaskFeedbackRow(at(11), 3)]  # last week: only two
    summary, mean = task_ratings(feedback, WEEK)
    # In the order they came: 3, 3, 5 (complete on the 16th), 4, 4, 2 (on the 19th), 5 (waiting).
    # This week counts both groups, last week's two among them: 21 over 6.
    assert (summary.responses, summary.mean, summary.counts) == (6, 3.5, (0, 1, 2, 2, 1))
    assert mean == Compared(3.5, None)  # last week's two counted in no group by its end


def test_no_two_periods_differ_by_fewer_than_three_ratings():
    ratings = [
        TaskFeedbackRow(at(d, h), r, n)
        for n, (d, h, r) in enumerate(
            [(16, 9, 5), (16, 10, 1), (17, 9, 4), (18, 9, 2), (19, 9, 3), (20, 9, 3), (21, 9, 5)]
        )
    ]
    days = [date(2026, 11, d) for d in range(16, 23)]
    counted = {}
    for first in days:
        for last in days[days.index(first) :]:
            counts = task_rating_counts(ratings, Period("range", first, last + timedelta(days=1), "UTC"))
            counted[first, last] = sum(counts.values())
            assert counted[first, last] % 3 == 0
    # Reading a period before and after a rating: the same, until the third has come.
    assert counted[days[0], days[1]] == counted[days[0], days[2]] == counted[days[0], days[3]] == 3
    assert counted[days[0], days[4]] == 6


def test_checkin_scores_beside_the_week_before():
    checkins = [
        CheckinRow(1, at(16), 2),
        CheckinRow(1, at(17), 3),
        CheckinRow(2, at(18), 4),
        CheckinRow(1, at(9), 5),
        CheckinRow(2, at(10), 5),
        CheckinRow(3, at(15, 23), 4),
    ]
    summary, mean = checkin_scores(checkins, WEEK)
    # This week (2 + 3 + 4) / 3 = 3; last week (5 + 5 + 4) / 3 = 14 / 3.
    assert summary.responses == 3
    assert mean.value == 3.0
    assert mean.previous == pytest.approx(14 / 3)
    assert mean.change == pytest.approx(3 - 14 / 3)


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, "4", True, None])
def test_a_rating_off_the_scale_is_refused_with_the_scale(rating):
    with pytest.raises(ValueError, match="a rating goes from 1 to 5"):
        check_rating(rating)
    with pytest.raises(ValueError, match="a rating goes from 1 to 5"):
        task_ratings([TaskFeedbackRow(at(16), 4)] * 2 + [TaskFeedbackRow(at(16), rating)], WEEK)
