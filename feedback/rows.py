"""The dashboard's rows for a team and a stretch of time, read in a few indexed queries and
handed to the pure metrics of `feedback.metrics` as its plain row types.

    rows = load_rows(team.id, period.previous().start, period.end)
    reply_times(rows.questions, period, now)

Rows carry ids, moments and ratings, never names or free text: what leads read of people's
words goes through `feedback.comments`. Each query selects columns, not model objects, so a
quarter of a busy team loads quickly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, SelfSolve, question_skills
from app.people.models import Role, SkillKind, User, UserRole, UserSkill
from feedback.metrics import AnswerRow, CheckinRow, MentorshipRow, QuestionRow, TaskFeedbackRow
from feedback.models import Checkin, TaskFeedback
from matching.models import Mentorship


@dataclass(frozen=True)
class TeamRows:
    """Everything the dashboard computes a team's figures from, for one stretch of time."""

    questions: list[QuestionRow]  # asked or resolved in the stretch
    answers: list[AnswerRow]  # mentors' replies in the stretch
    self_solved_at: list[datetime]  # problems solved from the knowledge base in the stretch
    open_by_mentor: dict[int, int]  # questions waiting for each mentor's reply now
    task_feedback: list[TaskFeedbackRow]  # submitted in the stretch
    checkins: list[CheckinRow]  # answered in the stretch
    mentorships: list[MentorshipRow]  # the team's new hires' mentorships alive in the stretch
    mentor_ids: list[int]  # the team's mentors
    taught_skill_ids: set[int]  # skills some mentor of the team teaches


def load_rows(team_id: int, start: datetime, end: datetime) -> TeamRows:
    """The rows of a team from `start` up to (not including) `end`, aware UTC moments.

    To compare a period with the one before, load from the start of the one before.
    """
    if end <= start:
        raise ValueError("the stretch of time ends before it starts")
    mentor_ids, taught = team_mentors(team_id)
    return TeamRows(
        questions=question_rows(team_id, start, end), answers=answer_rows(team_id, start, end),
        self_solved_at=self_solved_at(team_id, start, end), open_by_mentor=open_by_mentor(team_id),
        task_feedback=task_feedback_rows(team_id, start, end), checkins=checkin_rows(team_id, start, end),
        mentorships=mentorship_rows(team_id, start, end), mentor_ids=mentor_ids, taught_skill_ids=taught,
    )


def _asked_or_resolved(team_id: int, start: datetime, end: datetime):
    return sa.and_(Question.team_id == team_id, sa.or_(
        sa.and_(Question.created_at >= start, Question.created_at < end),
        sa.and_(Question.resolved_at >= start, Question.resolved_at < end)))


def question_rows(team_id: int, start: datetime, end: datetime) -> list[QuestionRow]:
    """The team's questions asked or resolved in the stretch, with the first attempt's
    deadline and their skills, in one query."""
    # Both looked up per question, by index: a join here would make the planner read the
    # whole attempts and skills tables to hash them, however few the team's questions are.
    deadline = (sa.select(Attempt.deadline_at)
                .where(Attempt.question_id == Question.id, Attempt.number == 1).scalar_subquery())
    skill_list = (sa.select(sa.func.aggregate_strings(sa.cast(question_skills.c.skill_id, sa.String), ","))
                  .where(question_skills.c.question_id == Question.id).scalar_subquery())
    rows = db.session.execute(
        sa.select(Question.id, Question.created_at, Question.urgency, Question.first_reply_at,
                  deadline, Question.resolved_at, Question.escalated, Question.helpful, skill_list)
        .where(_asked_or_resolved(team_id, start, end)))
    return [QuestionRow(id=id_, asked_at=asked, urgency=urgency.value, first_reply_at=reply,
                        deadline_at=due, resolved_at=resolved, escalated=escalated, helpful=helpful,
                        skill_ids=tuple(sorted(int(s) for s in skills.split(","))) if skills else ())
            for id_, asked, urgency, reply, due, resolved, escalated, helpful, skills in rows]


def answer_rows(team_id: int, start: datetime, end: datetime) -> list[AnswerRow]:
    """Replies on the team's questions by anyone but the asker in the stretch: one row per
    question and person, at their first reply in the stretch."""
    answered_at = sa.func.min(Post.created_at)
    # Read by the team's questions (asked before the end, as every post's question was), not
    # by every team's posts of the stretch: the planner would otherwise scan the latter.
    asked_before_end = sa.select(Question.id).where(Question.team_id == team_id, Question.created_at < end)
    rows = db.session.execute(
        sa.select(Post.question_id, Post.author_id, answered_at)
        .join(Question, Question.id == Post.question_id)
        .where(Post.question_id.in_(asked_before_end), Question.team_id == team_id,
               Post.created_at >= start, Post.created_at < end,
               Post.author_id.is_not(None), Post.author_id != Question.asker_id)
        .group_by(Post.question_id, Post.author_id))
    # min() keeps the column's type, so the moments come back aware, as the column's do.
    return [AnswerRow(question_id, author_id, at) for question_id, author_id, at in rows]


def self_solved_at(team_id: int, start: datetime, end: datetime) -> list[datetime]:
    """When people of the team found their answer in the knowledge base, in the stretch."""
    return list(db.session.scalars(sa.select(SelfSolve.created_at).where(
        SelfSolve.team_id == team_id, SelfSolve.created_at >= start, SelfSolve.created_at < end)))


def open_by_mentor(team_id: int) -> dict[int, int]:
    """How many of the team's questions wait for each person's reply now."""
    return dict(db.session.execute(
        sa.select(Attempt.mentor_id, sa.func.count())
        .join(Question, Question.id == Attempt.question_id)
        .where(Attempt.state == AttemptState.WAITING, Question.team_id == team_id)
        .group_by(Attempt.mentor_id)).all())


def task_feedback_rows(team_id: int, start: datetime, end: datetime) -> list[TaskFeedbackRow]:
    """The ratings of task feedback written by the team's people in the stretch."""
    return [TaskFeedbackRow(at, rating) for at, rating in db.session.execute(
        sa.select(TaskFeedback.created_at, TaskFeedback.rating).where(
            TaskFeedback.team_id == team_id, TaskFeedback.created_at >= start, TaskFeedback.created_at < end))]


def checkin_rows(team_id: int, start: datetime, end: datetime) -> list[CheckinRow]:
    """The check-in scores given in the stretch about the team's new hires' mentorships."""
    return [CheckinRow(mentorship_id, at, score) for mentorship_id, at, score in db.session.execute(
        sa.select(Checkin.mentorship_id, Checkin.answered_at, Checkin.score).where(
            Checkin.team_id == team_id, Checkin.answered_at >= start, Checkin.answered_at < end,
            Checkin.score.is_not(None)))]


def mentorship_rows(team_id: int, start: datetime, end: datetime) -> list[MentorshipRow]:
    """The mentorships of the team's new hires proposed before the end and not ended before
    the start: every one that can count as active, waiting or ended in the stretch."""
    rows = db.session.execute(
        sa.select(Mentorship.id, Mentorship.state, Mentorship.proposed_at, Mentorship.decided_at,
                  Mentorship.started_at, Mentorship.ended_at)
        .join(User, User.id == Mentorship.new_hire_id)
        .where(User.team_id == team_id, Mentorship.proposed_at < end,
               sa.or_(Mentorship.ended_at.is_(None), Mentorship.ended_at >= start)))
    return [MentorshipRow(id_, state.value, proposed, decided, started, ended)
            for id_, state, proposed, decided, started, ended in rows]


def team_mentors(team_id: int) -> tuple[list[int], set[int]]:
    """The team's active mentors (ids, in order) and the skills any of them teaches."""
    mentor_ids = list(db.session.scalars(
        sa.select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.team_id == team_id, User.active.is_(True), UserRole.role == Role.MENTOR)
        .order_by(User.id)))
    taught = set(db.session.scalars(sa.select(UserSkill.skill_id).where(
        UserSkill.user_id.in_(mentor_ids), UserSkill.kind == SkillKind.TEACH))) if mentor_ids else set()
    return mentor_ids, taught
