"""The dashboard's rows for a team and a stretch of time, read in a few indexed queries and
handed to the pure metrics of `feedback.metrics` as its plain row types.

    rows = load_rows(team.id, period.previous().start, period.end)
    reply_times(rows.questions, period, now)

Rows carry ids, moments and ratings, never names or free text: what leads read of people's
words goes through `feedback.comments`. Each query selects columns, not model objects, so a
quarter of a busy team loads quickly; where a figure only counts (skills asked about,
mentors' answers, ratings), the database counts (`feedback.counts`), and the page reads a few
dozen numbers instead of thousands of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, SelfSolve, question_skills
from app.people.models import Role, SkillKind, User, UserRole, UserSkill
from feedback.metrics import (
    AnswerRow,
    CheckinRow,
    MentorshipRow,
    QuestionRow,
    TaskFeedbackRow,
)
from feedback.models import Checkin, TaskFeedback
from matching.models import Mentorship


@dataclass(frozen=True)
class TeamRows:
    """Everything the dashboard computes a team's figures from, for one stretch of time."""

    questions: list[QuestionRow]  # asked or resolved in the stretch
    answers: list[AnswerRow]  # mentors' replies in the stretch; none if not `detailed`
    self_solved_at: list[datetime]  # problems solved from the knowledge base in the stretch
    open_by_mentor: dict[int, int]  # questions waiting for each mentor's reply now
    task_feedback: list[TaskFeedbackRow]  # submitted before its end; none if not `detailed`
    checkins: list[CheckinRow]  # first answered before its end; none if not `detailed`
    mentorships: list[MentorshipRow]  # the team's new hires' mentorships alive in the stretch
    mentor_ids: list[int]  # the team's mentors
    taught_skill_ids: set[int]  # skills some mentor of the team teaches


def load_rows(team_id: int, start: datetime, end: datetime, *, detailed: bool = True) -> TeamRows:
    """The rows of a team from `start` up to (not including) `end`, aware UTC moments.

    To compare a period with the one before, load from the start of the one before. Not
    `detailed`, the questions come without their skills, and the answers, task feedback and
    check-ins are left out: the dashboard has the database count those (asked_by_skill,
    answers_by_mentor, task_rating_counts, checkin_score_counts), as reading them row by
    row was most of a busy team's page.
    """
    if end <= start:
        raise ValueError("the stretch of time ends before it starts")
    plan_for_few_rows()
    mentor_ids, taught = team_mentors(team_id)
    return TeamRows(
        questions=question_rows(team_id, start, end, skills=detailed),
        answers=answer_rows(team_id, start, end) if detailed else [],
        self_solved_at=self_solved_at(team_id, start, end),
        open_by_mentor=open_by_mentor(team_id),
        task_feedback=task_feedback_rows(team_id, end) if detailed else [],
        checkins=checkin_rows(team_id, end) if detailed else [],
        mentorships=mentorship_rows(team_id, start, end),
        mentor_ids=mentor_ids,
        taught_skill_ids=taught,
    )


def plan_for_few_rows() -> None:
    """On PostgreSQL, plan the rest of the transaction's queries without compiling them.

    The dashboard's queries read a few thousand rows by index, but for a busy team the
    planner's estimates pass the cost at which PostgreSQL compiles a query to machine code
    first, and the compiling alone took longer than running them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def _asked_or_resolved(team_id: int, start: datetime, end: datetime):
    return sa.and_(
        Question.team_id == team_id,
        sa.or_(
            sa.and_(Question.created_at >= start, Question.created_at < end),
            sa.and_(Question.resolved_at >= start, Question.resolved_at < end),
        ),
    )


def _moment_text(column):
    """The column's moments as ISO 8601 text at UTC, "2026-07-01 12:00:00.000000+00:00",
    which datetime.fromisoformat reads straight into an aware moment.

    For the thousands of moments of a busy team's questions: reading a naive moment and
    then setting its time zone (as the column type does) costs about three times as much."""
    if db.session.get_bind().dialect.name == "postgresql":
        text = sa.func.to_char(column, "YYYY-MM-DD HH24:MI:SS.US")
    else:  # SQLite keeps moments as this very text (SQLAlchemy's format, naive UTC)
        text = sa.type_coerce(column, sa.String())
    return sa.type_coerce(text.concat("+00:00"), sa.String())


def question_rows(team_id: int, start: datetime, end: datetime, skills: bool = True) -> list[QuestionRow]:
    """The team's questions asked or resolved in the stretch, with the first attempt's
    deadline and (unless not `skills`) their skills, in one query."""
    # Both looked up per question, by index: a join here would make the planner read the
    # whole attempts and skills tables to hash them, however few the team's questions are.
    deadline = (
        sa.select(_moment_text(Attempt.deadline_at))
        .where(Attempt.question_id == Question.id, Attempt.number == 1)
        .scalar_subquery()
    )
    skill_list = (
        (
            sa.select(sa.func.aggregate_strings(sa.cast(question_skills.c.skill_id, sa.String), ","))
            .where(question_skills.c.question_id == Question.id)
            .scalar_subquery()
        )
        if skills
        else sa.null()
    )
    rows = db.session.execute(
        sa.select(
            Question.id,
            _moment_text(Question.created_at),
            sa.type_coerce(Question.urgency, sa.String()),
            _moment_text(Question.first_reply_at),
            deadline,
            _moment_text(Question.resolved_at),
            Question.escalated,
            Question.helpful,
            skill_list,
        ).where(_asked_or_resolved(team_id, start, end))
    )
    moment = datetime.fromisoformat  # `text and moment(text)` keeps a None as None
    return [
        QuestionRow(
            id_,
            moment(asked),
            urgency,
            reply and moment(reply),
            due and moment(due),
            resolved and moment(resolved),
            escalated,
            helpful,
            _skill_ids(skills) if skills else (),
        )
        for id_, asked, urgency, reply, due, resolved, escalated, helpful, skills in rows
    ]


def _skill_ids(listed: str) -> tuple[int, ...]:
    return tuple(sorted(map(int, listed.split(","))))


def answer_rows(team_id: int, start: datetime, end: datetime) -> list[AnswerRow]:
    """Replies on the team's questions by anyone but the asker in the stretch: one row per
    question and person, at their first reply in the stretch."""
    rows = db.session.execute(first_replies(team_id, start, end))
    # min() keeps the column's type, so the moments come back aware, as the column's do.
    return [AnswerRow(question_id, author_id, at) for question_id, author_id, at in rows]


def first_replies(team_id: int, start: datetime, end: datetime, *more) -> sa.Select:
    """Each question and person with a reply in the stretch, and when they first replied in
    it (`answered_at`); `more` are the question's columns to carry along."""
    # Read by the team's questions (asked before the end, as every post's question was), not
    # by every team's posts of the stretch: the planner would otherwise scan the latter.
    asked_before_end = sa.select(Question.id).where(Question.team_id == team_id, Question.created_at < end)
    return (
        sa.select(Post.question_id, Post.author_id, sa.func.min(Post.created_at).label("answered_at"), *more)
        .join(Question, Question.id == Post.question_id)
        .where(
            Post.question_id.in_(asked_before_end),
            Question.team_id == team_id,
            Post.created_at >= start,
            Post.created_at < end,
            Post.author_id.is_not(None),
            Post.author_id != Question.asker_id,
        )
        .group_by(Post.question_id, Post.author_id, *more)
    )


def self_solved_at(team_id: int, start: datetime, end: datetime) -> list[datetime]:
    """When people of the team found their answer in the knowledge base, in the stretch."""
    return list(
        db.session.scalars(
            sa.select(SelfSolve.created_at).where(
                SelfSolve.team_id == team_id, SelfSolve.created_at >= start, SelfSolve.created_at < end
            )
        )
    )


def open_by_mentor(team_id: int) -> dict[int, int]:
    """How many of the team's questions wait for each person's reply now."""
    return dict(
        db.session.execute(
            sa.select(Attempt.mentor_id, sa.func.count())
            .join(Question, Question.id == Attempt.question_id)
            .where(Attempt.state == AttemptState.WAITING, Question.team_id == team_id)
            .group_by(Attempt.mentor_id)
        ).all()
    )


def task_feedback_rows(team_id: int, end: datetime) -> list[TaskFeedbackRow]:
    """The ratings of task feedback written by the team's people before the end: all of
    them, as which count in a stretch depends on how many came before it."""
    return [
        TaskFeedbackRow(at, rating, id_)
        for at, rating, id_ in db.session.execute(
            sa.select(TaskFeedback.created_at, TaskFeedback.rating, TaskFeedback.id).where(
                TaskFeedback.team_id == team_id, TaskFeedback.created_at < end
            )
        )
    ]


def checkin_rows(team_id: int, end: datetime) -> list[CheckinRow]:
    """The check-in scores first given before the end about the team's new hires'
    mentorships: all of them, as for task_feedback_rows."""
    return [
        CheckinRow(*row)
        for row in db.session.execute(
            sa.select(Checkin.mentorship_id, Checkin.first_answered_at, Checkin.first_score, Checkin.id).where(
                Checkin.team_id == team_id, Checkin.first_answered_at < end, Checkin.first_score.is_not(None)
            )
        )
    ]


def mentorship_rows(team_id: int, start: datetime, end: datetime) -> list[MentorshipRow]:
    """The mentorships of the team's new hires proposed before the end and not ended before
    the start: every one that can count as active, waiting or ended in the stretch."""
    rows = db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.state,
            Mentorship.proposed_at,
            Mentorship.decided_at,
            Mentorship.started_at,
            Mentorship.ended_at,
        )
        .join(User, User.id == Mentorship.new_hire_id)
        .where(
            User.team_id == team_id,
            Mentorship.proposed_at < end,
            sa.or_(Mentorship.ended_at.is_(None), Mentorship.ended_at >= start),
        )
    )
    return [
        MentorshipRow(id_, state.value, proposed, decided, started, ended)
        for id_, state, proposed, decided, started, ended in rows
    ]


def team_mentors(team_id: int) -> tuple[list[int], set[int]]:
    """The team's active mentors (ids, in order) and the skills any of them teaches."""
    mentor_ids = list(
        db.session.scalars(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.team_id == team_id, User.active.is_(True), UserRole.role == Role.MENTOR)
            .order_by(User.id)
        )
    )
    taught = (
        set(
            db.session.scalars(
                sa.select(UserSkill.skill_id).where(
                    UserSkill.user_id.in_(mentor_ids), UserSkill.kind == SkillKind.TEACH
                )
            )
        )
        if mentor_ids
        else set()
    )
    return mentor_ids, taught
