"""The mentors a question may go to, as the ranking core sees them: plain values read in
a few queries (skills taught, open load, pings today, reply speed, time away, whether they
are working now), never one query per mentor, since a question may be ranked among thousands."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState
from app.help.working_time import Schedule, days_from_text, is_working
from app.people.models import Role, Skill, SkillKind, User, UserRole, UserSkill
from app.times import day_start, local_day
from matching.models import Mentorship, MentorshipState
from matching.ranking import Helper

# Reply speed is judged on the last month of answers.
SPEED_WINDOW = timedelta(days=30)
# What counts toward a mentor's open questions: a waiting attempt on a question that is
# no longer open takes no one's time.
OPEN_LOAD = (Attempt.state == AttemptState.WAITING, Question.state == QuestionState.OPEN)


def helpers(skill_names: frozenset[str], team_id: int | None, now: datetime, also: int | None = None) -> list[Helper]:
    """Active mentors who teach one of the skills or belong to the team (and `also`, the
    asker's own mentor), with their load, pings today, reply speed, when they were last
    asked and whether they are away."""
    reach = User.id.in_(
        sa.select(UserSkill.user_id)
        .join(Skill)
        .where(UserSkill.kind == SkillKind.TEACH, Skill.name.in_(sorted(skill_names)))
    )
    if team_id is not None:
        reach = sa.or_(reach, User.team_id == team_id)
    if also is not None:
        reach = sa.or_(reach, User.id == also)
    pool = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.MENTOR, User.active.is_(True), reach)
    )
    # Plain columns, not people: a question may be ranked among thousands of mentors.
    users = db.session.execute(
        sa.select(
            User.id,
            User.team_id,
            User.timezone,
            User.work_start,
            User.work_end,
            User.max_open_questions,
            User.away_from,
            User.away_until,
            User.work_days,
            User.holiday_country,
            User.holiday_region,
        )
        .where(User.id.in_(pool))
        .order_by(User.id)
    ).all()
    teaches: dict[int, dict[str, int]] = {}
    for user_id, name, level in db.session.execute(
        sa.select(UserSkill.user_id, Skill.name, UserSkill.level)
        .join(Skill)
        .where(UserSkill.user_id.in_(pool), UserSkill.kind == SkillKind.TEACH)
    ):
        teaches.setdefault(user_id, {})[name] = level
    load = dict(
        db.session.execute(
            sa.select(Attempt.mentor_id, sa.func.count())
            .join(Question)
            .where(*OPEN_LOAD, Attempt.mentor_id.in_(pool))
            .group_by(Attempt.mentor_id)
        ).all()
    )
    asked: dict[int, list[datetime]] = {}
    for mentor_id, at in db.session.execute(
        sa.select(Attempt.mentor_id, Attempt.created_at).where(
            Attempt.mentor_id.in_(pool), Attempt.created_at >= now - timedelta(days=1)
        )
    ):
        asked.setdefault(mentor_id, []).append(at)
    last = dict(
        db.session.execute(
            sa.select(Attempt.mentor_id, sa.func.max(Attempt.created_at))
            .where(Attempt.mentor_id.in_(pool))
            .group_by(Attempt.mentor_id)
        ).all()
    )
    speed = _reply_minutes(pool, now)
    result = []
    working: dict[Schedule, bool] = {}  # most mentors share a schedule: judge each one once
    for user in users:
        schedule = schedule_of(user)
        if schedule not in working:
            working[schedule] = is_working(schedule, now)
        since = day_start(now, user.timezone)
        result.append(
            Helper(
                id=user.id,
                team_id=user.team_id,
                timezone=user.timezone,
                work_start=user.work_start,
                work_end=user.work_end,
                teaches=teaches.get(user.id, {}),
                open_questions=load.get(user.id, 0),
                max_open_questions=user.max_open_questions,
                pings_today=sum(1 for at in asked.get(user.id, ()) if at >= since),
                median_reply_minutes=speed.get(user.id),
                last_asked_at=last.get(user.id),
                # The model's rule, read from a row with the same columns.
                away=User.is_away_on(user, local_day(now, user.timezone)),
                working=working[schedule],
            )
        )
    return result


def _reply_minutes(pool: sa.Select, now: datetime) -> dict[int, float]:
    """Median minutes from being asked to the mentor's first post, over the last month."""
    first_post = (
        sa.select(sa.func.min(Post.created_at))
        .where(
            Post.question_id == Attempt.question_id,
            Post.author_id == Attempt.mentor_id,
            Post.created_at >= Attempt.created_at,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Attempt.mentor_id, Attempt.created_at, first_post).where(
            Attempt.mentor_id.in_(pool),
            Attempt.state == AttemptState.ANSWERED,
            Attempt.created_at >= now - SPEED_WINDOW,
        )
    )
    minutes: dict[int, list[float]] = {}
    for mentor_id, asked_at, replied_at in rows:
        if replied_at is not None:
            minutes.setdefault(mentor_id, []).append((replied_at - asked_at).total_seconds() / 60)
    return {mentor_id: statistics.median(values) for mentor_id, values in minutes.items()}


def related_skills(question: Question) -> frozenset[str]:
    """Other skills in the same categories as the question's skills."""
    categories = {s.category for s in question.skills if s.category}
    if not categories:
        return frozenset()
    own = [s.id for s in question.skills]
    return frozenset(
        db.session.scalars(sa.select(Skill.name).where(Skill.category.in_(sorted(categories)), Skill.id.not_in(own)))
    )


def schedule_of(person) -> Schedule:
    """A person's working time, from their row (a User, or a row with the same columns)."""
    return Schedule(
        timezone=person.timezone,
        start=person.work_start,
        end=person.work_end,
        days=days_from_text(person.work_days),
        away_from=person.away_from,
        away_until=person.away_until,
        country=person.holiday_country or "",
        region=person.holiday_region or "",
    )


def schedules(user_ids) -> dict[int, Schedule]:
    """The working time of each of these people, in one query."""
    rows = db.session.execute(
        sa.select(
            User.id,
            User.timezone,
            User.work_start,
            User.work_end,
            User.work_days,
            User.away_from,
            User.away_until,
            User.holiday_country,
            User.holiday_region,
        ).where(User.id.in_(sorted(set(user_ids))))
    )
    return {row.id: schedule_of(row) for row in rows}


def own_mentor(user_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Mentorship.mentor_id).where(
            Mentorship.new_hire_id == user_id, Mentorship.state == MentorshipState.ACTIVE
        )
    )
