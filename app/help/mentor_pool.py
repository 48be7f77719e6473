"""The mentors a question may go to, as the ranking core sees them: plain values read in
three queries whatever the number of mentors (who they are with what they teach; their
open load, pings today and last ask, counted per mentor in one grouped query; their reply
speed), never one query per mentor, since a question may be ranked among thousands.

The statements are built once, on the tables' columns: routing runs for every question
asked, and building and caching an ORM statement costs more than running it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa

from app.extensions import UTCDateTime, db
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, question_skills
from app.help.working_time import Schedule, days_from_text, is_working
from app.people.models import Role, Skill, SkillKind, User, UserRole, UserSkill
from app.times import day_start, local_day
from matching.models import Mentorship, MentorshipState
from matching.ranking import RESTED_AFTER, Helper

# Reply speed is judged on the last month of answers.
SPEED_WINDOW = timedelta(days=30)
# What counts toward a mentor's open questions: a waiting attempt on a question that is
# no longer open takes no one's time.
OPEN_LOAD = (Attempt.state == AttemptState.WAITING, Question.state == QuestionState.OPEN)

_users, _attempts, _questions = User.__table__, Attempt.__table__, Question.__table__
_skills, _user_skills, _posts = Skill.__table__, UserSkill.__table__, Post.__table__
# The columns a person's working time is made of, in Schedule's order.
_SCHEDULE = (
    _users.c.timezone,
    _users.c.work_start,
    _users.c.work_end,
    _users.c.work_days,
    _users.c.away_from,
    _users.c.away_until,
    _users.c.holiday_country,
    _users.c.holiday_region,
)
# The asker's own mentor (a new hire has one live mentorship at most).
_OWN = sa.select(Mentorship.__table__.c.mentor_id).where(
    Mentorship.__table__.c.new_hire_id == sa.bindparam("asker"),
    Mentorship.__table__.c.state == MentorshipState.ACTIVE,
)
_TEACHERS = (
    sa.select(_user_skills.c.user_id)
    .join(_skills, _skills.c.id == _user_skills.c.skill_id)
    .where(_user_skills.c.kind == SkillKind.TEACH, _skills.c.name.in_(sa.bindparam("skills", expanding=True)))
)
# Active mentors who teach one of the skills, belong to the team, or are the asker's mentor.
_IN_POOL = sa.and_(
    _users.c.active.is_(True),
    sa.or_(_users.c.id.in_(_TEACHERS), _users.c.team_id == sa.bindparam("team"), _users.c.id.in_(_OWN)),
)
_MENTORS = _users.join(
    UserRole.__table__,
    sa.and_(UserRole.__table__.c.user_id == _users.c.id, UserRole.__table__.c.role == Role.MENTOR),
)
_POOL_IDS = sa.select(_users.c.id).select_from(_MENTORS).where(_IN_POOL)
# One row per mentor and skill of the question they teach (one with no skill for a mentor
# who teaches none of them).
_POOL = (
    sa.select(
        _users.c.id,
        _users.c.team_id,
        _users.c.max_open_questions,
        *_SCHEDULE,
        _users.c.id.in_(_OWN).label("own"),
        _skills.c.name.label("skill"),
        _user_skills.c.level,
    )
    .select_from(
        _MENTORS.outerjoin(
            _user_skills.join(_skills, _skills.c.id == _user_skills.c.skill_id),
            sa.and_(
                _user_skills.c.user_id == _users.c.id,
                _user_skills.c.kind == SkillKind.TEACH,
                _skills.c.name.in_(sa.bindparam("skills", expanding=True)),
            ),
        )
    )
    .where(_IN_POOL)
    .order_by(_users.c.id)
)
_OPEN = sa.and_(_attempts.c.state == AttemptState.WAITING, _questions.c.state == QuestionState.OPEN)
_first_post = (
    sa.select(sa.func.min(_posts.c.created_at))
    .where(
        _posts.c.question_id == _attempts.c.question_id,
        _posts.c.author_id == _attempts.c.mentor_id,
        _posts.c.created_at >= _attempts.c.created_at,
    )
    .scalar_subquery()
)
_ANSWERED = sa.select(_attempts.c.mentor_id, _attempts.c.created_at, _first_post).where(
    _attempts.c.mentor_id.in_(_POOL_IDS),
    _attempts.c.state == AttemptState.ANSWERED,
    _attempts.c.created_at >= sa.bindparam("speed_since", type_=UTCDateTime()),
)


@dataclass(frozen=True)
class MentorPool:
    """The mentors a question may go to, their working time, and the asker's own mentor."""

    helpers: list[Helper]
    schedules: dict[int, Schedule]
    own_mentor_id: int | None


def mentor_pool(skill_names: frozenset[str], team_id: int | None, asker_id: int | None, now: datetime) -> MentorPool:
    """Active mentors who teach one of the skills or belong to the team (and the asker's own
    mentor), with their load, pings today, reply speed, when they were last asked, whether
    they are away and whether they work now. What each one teaches is read for these
    skills only: the others play no part in ranking for this question."""
    params = {"skills": sorted(skill_names), "team": team_id, "asker": asker_id}
    people: dict[int, tuple] = {}
    teaches: dict[int, dict[str, int]] = {}
    own = None
    # Rows unpacked, not read by name: this runs for each of thousands of mentors.
    for *person, is_own, skill, level in db.session.execute(_POOL, params).all():
        user_id = person[0]
        if user_id not in people:
            people[user_id] = tuple(person)
            teaches[user_id] = {}
            if is_own:
                own = user_id
        if skill is not None:
            teaches[user_id][skill] = level
    if not people:
        return MentorPool([], {}, own)
    # Most mentors share a zone and a schedule: each is judged once.
    days = {z: (day_start(now, z), local_day(now, z)) for z in {person[3] for person in people.values()}}
    load = _load(params, {z: start for z, (start, _) in days.items()}, now)
    speed = _reply_minutes(params, now)
    judged: dict[tuple, tuple[Schedule, bool]] = {}
    schedules: dict[int, Schedule] = {}
    helpers = []
    for user_id, person in people.items():
        _, team, cap, timezone, work_start, work_end, _, away_from, away_until, _, _ = person
        key = person[3:]
        if key not in judged:
            schedule = _schedule(*key)
            judged[key] = schedule, is_working(schedule, now)
        schedules[user_id], working = judged[key]
        open_now, pings, last = load.get(user_id, _NO_LOAD)
        helpers.append(
            Helper(
                user_id,
                team,
                timezone,
                work_start,
                work_end,
                teaches[user_id],
                open_now,
                cap,
                pings,
                speed.get(user_id),
                last,
                away=User.is_away_on(_Away(away_from, away_until), days[timezone][1]),  # the model's rule
                working=working,
            )
        )
    return MentorPool(helpers, schedules, own)


_NO_LOAD = (0, 0, None)


class _Away(NamedTuple):
    """A person's away dates, as User.is_away_on reads them."""

    away_from: date | None
    away_until: date | None


@lru_cache(maxsize=64)
def _load_statement(zones: int) -> sa.Select:
    """Each pool mentor's open questions, pings since the start of their day (one start per
    time zone, `zones` of them) and last ask within RESTED_AFTER, in one grouped query over
    the attempts that can count: the waiting ones and the recent ones."""
    their_day = sa.case(
        *[
            (_users.c.timezone == sa.bindparam(f"zone_{k}"), sa.bindparam(f"day_{k}", type_=UTCDateTime()))
            for k in range(zones)
        ]
    )
    recent = _attempts.c.created_at >= sa.bindparam("rested_since", type_=UTCDateTime())
    return (
        sa.select(
            _attempts.c.mentor_id,
            sa.func.sum(sa.case((_OPEN, 1), else_=0)),
            sa.func.sum(sa.case((_attempts.c.created_at >= their_day, 1), else_=0)),
            sa.func.max(sa.case((recent, _attempts.c.created_at))),
        )
        .select_from(
            _attempts.join(_questions, _questions.c.id == _attempts.c.question_id).join(
                _users, _users.c.id == _attempts.c.mentor_id
            )
        )
        .where(
            _attempts.c.mentor_id.in_(_POOL_IDS),
            sa.or_(
                _attempts.c.state == AttemptState.WAITING,
                _attempts.c.created_at >= sa.bindparam("since", type_=UTCDateTime()),
            ),
        )
        .group_by(_attempts.c.mentor_id)
    )


def _load(params: dict, starts: dict[str, datetime], now: datetime) -> dict[int, tuple]:
    """(open questions, pings today, last asked) of each pool mentor with any of them."""
    rested_since = now - RESTED_AFTER
    values = dict(params, rested_since=rested_since, since=min([rested_since, *starts.values()]))
    for k, zone_name in enumerate(sorted(starts)):
        values[f"zone_{k}"], values[f"day_{k}"] = zone_name, starts[zone_name]
    rows = db.session.execute(_load_statement(len(starts)), values)
    return {mentor_id: (int(open_now), int(pings), last) for mentor_id, open_now, pings, last in rows.all()}


def _reply_minutes(params: dict, now: datetime) -> dict[int, float]:
    """Median minutes from being asked to the mentor's first post, over the last month."""
    rows = db.session.execute(_ANSWERED, dict(params, speed_since=now - SPEED_WINDOW))
    minutes: dict[int, list[float]] = {}
    for mentor_id, asked_at, replied_at in rows:
        if replied_at is not None:
            minutes.setdefault(mentor_id, []).append((replied_at - asked_at).total_seconds() / 60)
    return {mentor_id: statistics.median(values) for mentor_id, values in minutes.items()}


_QUESTION_SKILLS = (
    sa.select(_skills.c.id, _skills.c.name, _skills.c.category)
    .join(question_skills, question_skills.c.skill_id == _skills.c.id)
    .where(question_skills.c.question_id == sa.bindparam("question"))
)
_RELATED = sa.select(_skills.c.name).where(
    _skills.c.category.in_(sa.bindparam("categories", expanding=True)),
    _skills.c.id.not_in(sa.bindparam("own", expanding=True)),
)


def question_skills_of(question_id: int) -> tuple[frozenset[str], frozenset[str]]:
    """The question's skills by name, and the other skills in the same categories."""
    rows = db.session.execute(_QUESTION_SKILLS, {"question": question_id}).all()
    categories = sorted({category for _, _, category in rows if category})
    if not categories:
        return frozenset(name for _, name, _ in rows), frozenset()
    related = db.session.scalars(_RELATED, {"categories": categories, "own": [skill_id for skill_id, _, _ in rows]})
    return frozenset(name for _, name, _ in rows), frozenset(related)


def schedule_of(person) -> Schedule:
    """A person's working time, from their row (a User, or a row with the same columns)."""
    return _schedule(
        person.timezone,
        person.work_start,
        person.work_end,
        person.work_days,
        person.away_from,
        person.away_until,
        person.holiday_country,
        person.holiday_region,
    )


def _schedule(timezone, start, end, work_days, away_from, away_until, country, region) -> Schedule:
    return Schedule(
        timezone=timezone,
        start=start,
        end=end,
        days=days_from_text(work_days),
        away_from=away_from,
        away_until=away_until,
        country=country or "",
        region=region or "",
    )


_SCHEDULES = sa.select(_users.c.id, *_SCHEDULE).where(_users.c.id.in_(sa.bindparam("ids", expanding=True)))


def schedules(user_ids) -> dict[int, Schedule]:
    """The working time of each of these people, in one query."""
    rows = db.session.execute(_SCHEDULES, {"ids": sorted(set(user_ids))})
    return {row.id: schedule_of(row) for row in rows}


def own_mentor(user_id: int) -> int | None:
    """The person's mentor in their live mentorship, if any."""
    return db.session.scalar(_OWN, {"asker": user_id})
