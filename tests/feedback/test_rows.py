"""The dashboard's rows: a team's questions, answers, self-solves, open questions, task
feedback, check-ins and mentorships for a stretch of time, read from a small hand-made
database whose right rows are known; and leads' reading of free text without names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, SelfSolve, Urgency
from app.people.models import Role, SkillKind
from feedback import metrics
from feedback.comments import CHECKIN_CHANGE, TASK_HELPED, TASK_MISSING, comments_for_leads
from feedback.counts import answers_by_mentor, asked_by_skill, checkin_score_counts, task_rating_counts
from feedback.metrics import (
    AnswerRow,
    MentorAnswers,
    MentorshipRow,
    QuestionRow,
    question_counts,
)
from feedback.models import Checkin, Side, TimeTaken
from feedback.periods import Period
from feedback.rows import load_rows
from matching.models import Mentorship, MentorshipState
from tests.feedback.seeding import add_mentorship, add_task

START, END = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def world(make):
    """Payments (the team read) and Platform (another), with their people and a month of work."""
    sql, billing = make.skill("SQL"), make.skill("Billing")
    payments, platform = make.team(name="Payments"), make.team(name="Platform")
    nina = make.user(name="Nina New", team=payments, password=None)
    paul = make.user(name="Paul Platform", team=platform, password=None)
    mia = make.user(name="Mia Mentor", roles=(Role.MENTOR,), team=payments, password=None)
    max_ = make.user(name="Max Mentor", roles=(Role.MENTOR,), team=platform, password=None)
    make.user(name="Gone Mentor", roles=(Role.MENTOR,), team=payments, password=None, active=False)
    make.user_skill(mia, sql, SkillKind.TEACH, 4)
    make.user_skill(mia, billing, SkillKind.LEARN, 1)
    make.user_skill(max_, billing, SkillKind.TEACH, 4)

    def ask(asker, asked, **fields) -> Question:
        q = Question(
            asker_id=asker.id,
            team_id=asker.team_id,
            goal="A question",
            stuck="Somewhere stuck",
            created_at=asked,
            **fields,
        )
        db.session.add(q)
        db.session.flush()
        return q

    # Asked and resolved in October, blocking; Mia's first attempt timed out, Max answered.
    q1 = ask(
        nina,
        at(10, 5),
        urgency=Urgency.BLOCKING,
        skills=[sql, billing],
        first_reply_at=at(10, 5, 9, 30),
        resolved_at=at(10, 6),
        state=QuestionState.RESOLVED,
        helpful=True,
        helpful_note="Spot on",
    )
    db.session.add_all(
        [
            Attempt(
                question_id=q1.id,
                mentor_id=mia.id,
                number=1,
                state=AttemptState.TIMED_OUT,
                deadline_at=at(10, 5, 9, 15),
            ),
            Attempt(
                question_id=q1.id,
                mentor_id=max_.id,
                number=2,
                state=AttemptState.ANSWERED,
                deadline_at=at(10, 5, 9, 40),
            ),
            Post(question_id=q1.id, author_id=max_.id, body="a", created_at=at(10, 5, 9, 30)),
            Post(
                question_id=q1.id, author_id=nina.id, body="thanks, but", created_at=at(10, 5, 9, 40)
            ),  # the asker's own
            Post(question_id=q1.id, author_id=max_.id, body="b", created_at=at(10, 5, 10)),  # the same answerer again
            Post(question_id=q1.id, author_id=mia.id, body="c", created_at=at(10, 7)),
        ]
    )
    # Asked in September, resolved in October: in, for its resolving.
    q2 = ask(nina, at(9, 20), resolved_at=at(10, 2), state=QuestionState.RESOLVED, escalated=True)
    db.session.add(Post(question_id=q2.id, author_id=mia.id, body="d", created_at=at(9, 21)))
    # Asked and resolved in September: out. Platform's question: out.
    ask(nina, at(9, 10), resolved_at=at(9, 15), state=QuestionState.RESOLVED)
    q4 = ask(paul, at(10, 10))
    db.session.add(Post(question_id=q4.id, author_id=max_.id, body="e", created_at=at(10, 10, 11)))
    # Open now: waiting for Mia (so is Platform's, which is not Payments' load).
    q5 = ask(nina, at(10, 20))
    db.session.add_all(
        [
            Attempt(
                question_id=q5.id, mentor_id=mia.id, number=1, state=AttemptState.WAITING, deadline_at=at(10, 20, 13)
            ),
            Attempt(
                question_id=q4.id, mentor_id=mia.id, number=1, state=AttemptState.WAITING, deadline_at=at(10, 10, 13)
            ),
            SelfSolve(user_id=nina.id, question_id=q1.id, team_id=payments.id, created_at=at(10, 3)),
            SelfSolve(user_id=mia.id, question_id=q1.id, team_id=payments.id, created_at=at(9, 3)),
            SelfSolve(user_id=paul.id, question_id=q1.id, team_id=platform.id, created_at=at(10, 4)),
        ]
    )

    def task(author, when, rating, **fields):
        add_task(author, when, rating, title="A task", time_taken=TimeTaken.AS_EXPECTED, **fields)

    task(nina, at(10, 10), 5, missing="A test account", signed=True)
    task(nina, at(10, 11), 2, helped_note="The runbook", missing="Time")
    task(nina, at(9, 1), 1, missing="Out of the stretch")
    task(paul, at(10, 10), 3, missing="Platform's words")

    def mentorship(hire, state, proposed, **fields) -> Mentorship:
        return add_mentorship(hire, mia, state, proposed, **fields)

    active = mentorship(nina, MentorshipState.ACTIVE, at(8, 30), decided_at=at(9, 1), started_at=at(9, 1))
    long_gone = make.user(name="Lena Left", team=payments, password=None)
    mentorship(long_gone, MentorshipState.ENDED, at(6, 1), started_at=at(6, 2), ended_at=at(8, 1))
    newer = make.user(name="Ned Newer", team=payments, password=None)
    waiting = mentorship(newer, MentorshipState.PROPOSED, at(10, 25))
    mentorship(paul, MentorshipState.ACTIVE, at(9, 1), started_at=at(9, 2))
    db.session.add_all(
        [
            Checkin(
                mentorship_id=active.id,
                user_id=nina.id,
                side=Side.NEW_HIRE,
                round=2,
                team_id=payments.id,
                sent_at=at(10, 12),
                score=2,
                change="Meet weekly",
                answered_at=at(10, 12, 10),
                via="web",
            ),
            Checkin(
                mentorship_id=active.id,
                user_id=mia.id,
                side=Side.MENTOR,
                round=2,
                team_id=payments.id,
                sent_at=at(10, 12),
            ),
            Checkin(
                mentorship_id=active.id,
                user_id=mia.id,
                side=Side.MENTOR,
                round=1,
                team_id=payments.id,
                sent_at=at(9, 28),
                score=4,
                answered_at=at(9, 28, 10),
                via="email",
            ),
        ]
    )
    db.session.commit()
    return dict(
        payments=payments,
        platform=platform,
        q1=q1,
        q2=q2,
        q5=q5,
        mia=mia,
        max=max_,
        sql=sql,
        billing=billing,
        active=active,
        waiting=waiting,
        nina=nina,
    )


def test_the_rows_of_a_team_and_a_stretch_are_exactly_the_right_ones(world):
    w = world
    rows = load_rows(w["payments"].id, START, END)

    assert sorted(rows.questions, key=lambda q: q.id) == [
        QuestionRow(
            w["q1"].id,
            at(10, 5),
            "blocking",
            first_reply_at=at(10, 5, 9, 30),
            deadline_at=at(10, 5, 9, 15),
            resolved_at=at(10, 6),
            escalated=False,
            helpful=True,
            skill_ids=tuple(sorted((w["sql"].id, w["billing"].id))),
        ),
        QuestionRow(w["q2"].id, at(9, 20), "can_wait", resolved_at=at(10, 2), escalated=True),
        QuestionRow(w["q5"].id, at(10, 20), "can_wait", deadline_at=at(10, 20, 13)),
    ]
    assert sorted(rows.answers, key=lambda a: a.mentor_id) == sorted(
        [
            AnswerRow(w["q1"].id, w["max"].id, at(10, 5, 9, 30)),
            AnswerRow(w["q1"].id, w["mia"].id, at(10, 7)),
        ],
        key=lambda a: a.mentor_id,
    )
    assert rows.self_solved_at == [at(10, 3)]
    assert rows.open_by_mentor == {w["mia"].id: 1}  # Platform's question waiting for Mia is not Payments' load
    # Every rating up to the end: which count in a stretch depends on how many came before it.
    assert [f[:2] for f in sorted(rows.task_feedback)] == [(at(9, 1), 1), (at(10, 10), 5), (at(10, 11), 2)]
    assert [c[:3] for c in sorted(rows.checkins)] == [
        (w["active"].id, at(9, 28, 10), 4),
        (w["active"].id, at(10, 12, 10), 2),
    ]
    assert sorted(rows.mentorships, key=lambda m: m.id) == [
        MentorshipRow(w["active"].id, "active", at(8, 30), at(9, 1), at(9, 1), None),
        MentorshipRow(w["waiting"].id, "proposed", at(10, 25)),
    ]
    assert (rows.mentor_ids, rows.taught_skill_ids) == ([w["mia"].id], {w["sql"].id})

    # The metrics read them as they are: October against September.
    counts = question_counts(rows.questions, rows.self_solved_at, Period("month", START.date(), END.date()))
    assert (counts.asked.value, counts.resolved.value, counts.escalated.value, counts.self_solved.value) == (2, 2, 0, 1)

    with pytest.raises(ValueError):
        load_rows(w["payments"].id, END, START)


def test_leads_read_words_without_names_unless_signed(world):
    comments = comments_for_leads(world["payments"].id, START, END)
    got = sorted((c.kind, c.text, c.author) for c in comments)
    assert got == sorted(
        [
            (TASK_MISSING, "A test account", "Nina New"),  # signed
            (TASK_MISSING, "Time", None),
            (TASK_HELPED, "The runbook", None),
            (CHECKIN_CHANGE, "Meet weekly", None),  # check-ins are never named
            ("answer_note", "Spot on", None),
        ]
    )
    # By week, newest first (Mondays), never the moment or a rating beside the words.
    assert [c.week for c in comments] == sorted((c.week for c in comments), reverse=True)
    assert all(c.week.weekday() == 0 for c in comments)
    assert not hasattr(comments[0], "rating") and not hasattr(comments[0], "at")


@pytest.mark.parametrize(
    "period",
    [
        Period("month", START.date(), END.date()),  # October beside September
        Period("range", datetime(2026, 9, 20).date(), datetime(2026, 10, 6).date()),  # cuts through both
    ],
    ids=["month", "range"],
)
def test_what_the_database_counts_agrees_with_the_pure_definitions(world, period):
    """Each count the dashboard has the database make equals its pure function of
    feedback.metrics over the detailed rows of the same stretch."""
    team_id = world["payments"].id
    rows = load_rows(team_id, period.previous().start, period.end)
    before = period.previous()

    assert asked_by_skill(team_id, period) == (
        metrics.asked_by_skill(rows.questions, period),
        metrics.asked_by_skill(rows.questions, before),
    )
    assert answers_by_mentor(team_id, period) == metrics.answers_by_mentor(rows.answers, rows.questions, period)
    assert task_rating_counts(team_id, period) == (
        metrics.task_rating_counts(rows.task_feedback, period),
        metrics.task_rating_counts(rows.task_feedback, before),
    )
    assert checkin_score_counts(team_id, period) == (
        metrics.checkin_score_counts(rows.checkins, period),
        metrics.checkin_score_counts(rows.checkins, before),
    )


def test_the_database_counts_a_month_and_the_month_before(world):
    """October beside September, worked out by hand from the world above."""
    w = world
    october = Period("month", START.date(), END.date())
    team_id = w["payments"].id
    # q1 (SQL, Billing) was asked in October; September's questions had no skills.
    assert asked_by_skill(team_id, october) == ({w["sql"].id: 1, w["billing"].id: 1}, {})
    # Max and Mia answered q1 in October (resolved then, found helpful); Mia answered q2 in
    # September. Max's answer on Platform's question is not Payments'.
    assert answers_by_mentor(team_id, october) == {
        w["max"].id: MentorAnswers(answered=1, answered_before=0, rated=1, found_helpful=1),
        w["mia"].id: MentorAnswers(answered=1, answered_before=1, rated=1, found_helpful=1),
    }
    # In threes, in the order they came: September's 1 with October's 5 and 2, complete in
    # October (Platform's 3 is not Payments'); two check-in answers make no group yet.
    assert task_rating_counts(team_id, october) == ({1: 1, 5: 1, 2: 1}, {})
    assert checkin_score_counts(team_id, october) == ({}, {})
    # Loaded without details, the rows leave out what the database counts, and only that.
    detailed = load_rows(team_id, october.previous().start, october.end)
    rows = load_rows(team_id, october.previous().start, october.end, detailed=False)
    assert (rows.answers, rows.task_feedback, rows.checkins) == ([], [], [])
    assert sorted(rows.questions) == sorted(q._replace(skill_ids=()) for q in detailed.questions)
    assert rows.self_solved_at == detailed.self_solved_at and rows.mentorships == detailed.mentorships


def test_question_moments_come_back_exact_to_the_microsecond_and_in_utc(make):
    """The questions' moments are read as text and parsed; they must be the very moments
    stored, whatever zone they were given in."""
    team = make.team(name="Exact")
    asker = make.user(name="Ezra Exact", team=team, password=None)
    mentor = make.user(name="Mo Mentor", roles=(Role.MENTOR,), team=team, password=None)
    asked = datetime(2026, 10, 5, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))  # 09:30:15.123456 UTC
    q = Question(
        asker_id=asker.id,
        team_id=team.id,
        goal="A question",
        stuck="Here",
        created_at=asked,
        first_reply_at=asked + timedelta(microseconds=1),
        resolved_at=asked + timedelta(days=1, seconds=1),
        state=QuestionState.RESOLVED,
    )
    db.session.add(q)
    db.session.flush()
    db.session.add(
        Attempt(
            question_id=q.id,
            mentor_id=mentor.id,
            number=1,
            state=AttemptState.ANSWERED,
            deadline_at=datetime(2026, 10, 5, 9, 45, tzinfo=UTC),
        )
    )
    db.session.commit()

    (row,) = load_rows(team.id, START, END, detailed=False).questions
    assert (row.asked_at, row.first_reply_at, row.deadline_at, row.resolved_at) == (
        datetime(2026, 10, 5, 9, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 10, 5, 9, 30, 15, 123457, tzinfo=UTC),
        datetime(2026, 10, 5, 9, 45, tzinfo=UTC),
        datetime(2026, 10, 6, 9, 30, 16, 123456, tzinfo=UTC),
    )
    assert all(moment.utcoffset() == timedelta(0) for moment in (row.asked_at, row.deadline_at))
