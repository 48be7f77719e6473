"""The dashboard's figures on small hand-made data, each expected value worked out by hand
in the comments (the week is metrics_week's): mentors' load and mentorships, trends, and the
pieces the database's counts go through."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.metrics import (
    AnswerRow,
    Compared,
    MentorAnswers,
    MentorshipRow,
    answers_by_mentor,
    asked_by_skill,
    mentor_load,
    mentorship_counts,
    rank_skill_gaps,
    rating_summary,
    reply_trend,
    summary_of_counts,
    trend,
)
from feedback.periods import period_containing
from tests.feedback.metrics_week import NOW, WEEK, at, question

# Mentors and mentorships


def test_mentor_load_shows_who_carries_the_answering():
    ANA, BEN, CAI, DEV = 10, 11, 12, 13  # Dev is from another team, with a question waiting
    answers = [
        AnswerRow(1, ANA, at(16, 10)),
        AnswerRow(1, ANA, at(16, 11)),  # two replies, one answer
        AnswerRow(2, ANA, at(17)),
        AnswerRow(3, ANA, at(18)),
        AnswerRow(4, BEN, at(19)),
        AnswerRow(6, BEN, at(10)),
        AnswerRow(7, BEN, at(11)),  # last week
    ]
    questions = [
        question(1, at(16), resolved_at=at(17), helpful=True),
        question(2, at(17), resolved_at=at(18), helpful=True),
        question(3, at(18), resolved_at=at(19), helpful=False),
        question(4, at(19), resolved_at=at(20), helpful=True),
    ]
    load = mentor_load(answers, {ANA: 2, BEN: 0, DEV: 1}, questions, WEEK, mentor_ids=[ANA, BEN, CAI])
    # 4 answers this week: Ana 3 (0.75), Ben 1 (0.25). Ana's answers rated 2 helpful of 3;
    # Ben has one rating: not shown. Ordered by answers, then open questions.
    assert [(m.mentor_id, m.open_questions, m.answers, m.share_of_answers, m.helpful) for m in load] == [
        (ANA, 2, Compared(3, 0), 0.75, pytest.approx(2 / 3)),
        (BEN, 0, Compared(1, 2), 0.25, None),
        (DEV, 1, Compared(0, 0), 0.0, None),
        (CAI, 0, Compared(0, 0), 0.0, None),
    ]


def test_a_week_without_answers_has_no_shares():
    load = mentor_load([], {}, [], WEEK, mentor_ids=[10])
    assert [(m.mentor_id, m.answers, m.share_of_answers) for m in load] == [(10, Compared(0, 0), None)]


def test_mentorships_active_waiting_and_ended_early():
    rows = [
        MentorshipRow(1, "active", at(1), at(1), at(1)),  # active all along
        MentorshipRow(2, "active", at(17), at(17), at(17)),  # started this week
        MentorshipRow(3, "ended", at(1), at(1), at(1), ended_at=at(18)),  # ended early this week
        MentorshipRow(4, "completed", at(1, month=8), at(1, month=8), at(1, month=8), ended_at=at(12)),
        MentorshipRow(5, "proposed", at(20)),  # waiting for the mentor now
        MentorshipRow(6, "active", at(14), at(17), at(17)),  # waiting at the start of this week
        MentorshipRow(7, "declined", at(19), at(19, 15)),
        MentorshipRow(8, "ended", at(1), at(1), at(1), ended_at=at(10)),  # ended early last week
        MentorshipRow(9, "withdrawn", at(1)),  # closed at a moment nobody recorded
    ]
    counts = mentorship_counts(rows, WEEK, NOW)
    # Now (Saturday noon): active 1, 2, 6; waiting 5; ended early 3.
    # End of last week (Monday 16 November 00:00): active 1, 3; waiting 6; ended early 8.
    assert counts.active == Compared(3, 2)
    assert counts.waiting == Compared(1, 1)
    assert counts.ended_early == Compared(1, 1)


# Trends


def test_a_quarter_trend_counts_each_week_and_leaves_out_other_quarters():
    quarter = period_containing("quarter", date(2026, 11, 21), "UTC")
    questions = [
        question(1, at(1, month=10), reply_after=30),  # Thu 1 Oct: the cut first week
        question(2, at(5, month=10), reply_after=10),  # week of 5 Oct
        question(3, at(11, 23, 59, month=10), reply_after=20),  # Sunday night, same week
        question(4, datetime(2026, 10, 12, tzinfo=UTC)),  # Monday midnight: the next week
        question(5, at(31, 23, 59, month=12), reply_after=5),  # the cut last week
        question(6, datetime(2027, 1, 1, tzinfo=UTC)),  # next quarter
        question(7, at(30, month=9)),  # last quarter
    ]
    counts = trend(quarter, questions, lambda q: q.asked_at)
    assert len(counts) == 14
    assert [p.value for p in counts] == [1, 2, 1] + [0] * 10 + [1]
    assert counts[1].period.short_label == "5 Oct"

    medians = reply_trend(questions, quarter)
    # Week of 5 Oct: 10 and 20 minutes, median 15; 12 Oct: asked but unanswered, no median.
    assert [p.value for p in medians[:3]] == [30, 15, None]
    assert medians[-1].value == 5


@given(
    st.lists(st.datetimes(datetime(2026, 9, 1), datetime(2027, 2, 1), timezones=st.just(UTC)), max_size=60),
    st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
)
def test_a_trend_counts_every_question_of_the_period_once(moments, timezone):
    quarter = period_containing("quarter", date(2026, 11, 21), timezone)
    questions = [question(i, moment, reply_after=i) for i, moment in enumerate(moments)]
    points = trend(quarter, questions, lambda q: q.asked_at)
    assert sum(p.value for p in points) == sum(quarter.contains(m) for m in moments)
    # Each step holds the questions asked between its own start and end.
    for point in points:
        assert point.value == sum(point.period.contains(m) for m in moments)


# The pieces the database's counts go through


@given(st.lists(st.integers(1, 5), max_size=20))
def test_a_summary_of_counts_is_the_summary_of_the_ratings(ratings):
    assert summary_of_counts(Counter(ratings)) == rating_summary(ratings)


def test_a_count_off_the_scale_is_refused_but_an_empty_one_is_not_looked_at():
    with pytest.raises(ValueError, match="1 to 5"):
        summary_of_counts({5: 3, 6: 1})
    assert summary_of_counts({5: 3, 6: 0}) == summary_of_counts({5: 3})


def test_ranked_from_counts_a_skill_without_questions_in_the_period_is_no_gap():
    gaps = rank_skill_gaps({1: 2, 2: 0, 3: 2}, {2: 5, 3: 1}, taught_skill_ids={3}, limit=5)
    assert [(g.skill_id, g.questions, g.taught) for g in gaps] == [
        (1, Compared(2, 0), False),
        (3, Compared(2, 1), True),
    ]


def test_a_skill_counts_once_per_question_and_only_in_the_period_asked():
    questions = [
        question(1, at(16), skill_ids=(7, 7, 8)),
        question(2, at(17), skill_ids=(7,)),
        question(3, at(10), skill_ids=(8,)),
    ]  # last week
    assert asked_by_skill(questions, WEEK) == {7: 2, 8: 1}
    assert asked_by_skill(questions, WEEK.previous()) == {8: 1}


def test_mentor_answers_count_a_question_once_in_the_period_of_the_answer():
    answers = [AnswerRow(1, 10, at(16)), AnswerRow(1, 10, at(17)), AnswerRow(2, 10, at(10)), AnswerRow(3, 11, at(18))]
    questions = [
        question(1, at(16), resolved_at=at(18), helpful=True),
        question(3, at(18), resolved_at=at(19), helpful=False),
    ]
    assert answers_by_mentor(answers, questions, WEEK) == {10: MentorAnswers(1, 1, 1, 1), 11: MentorAnswers(1, 0, 1, 0)}
