"""Who to ask next about a question, and when they hear of it.

The best-ranked mentor with room for one more question (matching's ranking core decides the
order; for a blocking question, the best one working now), or the team lead once the
mentors had their tries. Room is counted again under a lock on the person, so two
routings racing for someone's last open slot cannot both take it (MentorFull: look again).
Routing itself, the attempts and their deadlines: app.help.routing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import UTCDateTime, db
from app.help import digest_settings
from app.help.digest_schedule import next_digest_at
from app.help.mentor_pool import MentorPool, mentor_pool, question_skills_of, schedules
from app.help.models import Attempt, AttemptState, DigestFrequency, Question, QuestionState, Urgency
from app.help.working_time import Schedule, next_working_start
from app.mail.outgoing.unsubscribe import opted_out
from app.people.models import Team, User
from app.times import day_start, local_day
from matching.ranking import Candidate, Need, RoutingRules, prepare_helpers, rank

LEAD_TIER = "team lead"
# The longest a question waits for its mentor's digest before its answer time starts.
LONGEST_UNTOLD = timedelta(days=1)


class MentorFull(Exception):
    """The chosen mentor reached a cap since the ranking was made."""


def routing_rules() -> RoutingRules:
    """The routing rules from the app's settings."""
    config = current_app.config
    return RoutingRules(
        relax_after=timedelta(minutes=config["RELAX_TO_RELATED_MINUTES"]),
        any_after=timedelta(minutes=config["RELAX_TO_TEAM_MINUTES"]),
        max_pings_per_day=config["MAX_PINGS_PER_DAY"],
    )


@dataclass(frozen=True)
class Choice:
    """Who to ask next, why (the tier's name), whether some who could answer are off work,
    and the person's working time."""

    person_id: int
    tier: str
    some_off: bool
    schedule: Schedule


def when_told(urgency: Urgency, mentor_id: int, now: datetime, timezone: str | None = None) -> tuple[datetime, bool]:
    """When the person asked hears of the question, and whether that is by a mail now.

    The time to answer starts when they hear of it, so a deadline never runs out before,
    unless their next digest is more than LONGEST_UNTOLD away.
    Blocking questions are mailed at once, and so are the rest to mentors who chose that;
    other mentors hear of a question that can wait in their next digest, and those who
    unsubscribed from digests find it in their web inbox, now. `timezone` is the person's,
    when the caller read it already.
    """
    if urgency == Urgency.BLOCKING:
        return now, True
    if opted_out(mentor_id, digest_settings.TOPIC):
        return now, False
    setting = digest_settings.setting_of(mentor_id)
    if setting.frequency == DigestFrequency.AT_ONCE:
        return now, True
    if timezone is None:
        timezone = db.session.scalar(sa.select(User.timezone).where(User.id == mentor_id))
    due = next_digest_at(setting.frequency, setting.minute_of_day, setting.weekday, timezone, setting.last_sent_at, now)
    # A weekly digest must not hold a new hire's question for a week: after a day without
    # the mentor hearing of it, its time runs out and the next mentor is asked.
    return min(max(due, now), now + LONGEST_UNTOLD), False


def choose(question: Question, attempts, now: datetime) -> Choice | None:
    """Who to ask next: ranked mentors, then the lead; after N tries the lead first.
    `attempts` are the question's attempts so far (anything with mentor_id and state)."""
    tried = frozenset(a.mentor_id for a in attempts)
    # Someone whose mail is paused never heard of the question, and someone who left could
    # not answer it: neither was a try.
    tries = sum(a.state not in (AttemptState.UNREACHED, AttemptState.LEFT) for a in attempts)
    escalate = tries >= current_app.config["ROUTING_ATTEMPTS"]
    if not escalate:
        choice = _best_mentor(question, tried, now)
        if choice is not None:
            return choice
    lead = _available_lead(question, tried, now)
    if lead is not None:
        return lead
    if escalate:
        # With no lead to take it, keep asking mentors rather than leave it with nobody.
        return _best_mentor(question, tried, now)
    return None


def _best_mentor(question: Question, tried: frozenset[int], now: datetime) -> Choice | None:
    """The best-ranked mentor; for a blocking question, the best one working now, else the
    one whose work starts first. Also says whether some who could answer are off work."""
    ranked, pool = candidates(question, tried, now, limit=1 if question.urgency != Urgency.BLOCKING else 20)
    if not ranked:
        return None
    best = ranked[0]
    if question.urgency == Urgency.BLOCKING:
        starts = [next_working_start(pool.schedules.get(c.helper_id, Schedule()), now) for c in ranked]
        best = ranked[min(range(len(ranked)), key=lambda k: (starts[k], k))]
        some_off = any(start > now for start in starts)
    else:
        some_off = False
    if not _has_room(best.helper_id, now):
        raise MentorFull(best.helper_id)
    return Choice(best.helper_id, best.why, some_off, pool.schedules.get(best.helper_id, Schedule()))


def candidates(
    question: Question, tried: frozenset[int], now: datetime, limit: int = 5
) -> tuple[list[Candidate], MentorPool]:
    """The mentors who could be asked about the question now, best first, and the pool
    they were ranked in."""
    skills, related = question_skills_of(question.id)
    team_id = question.team_id if question.team_id is not None else _team_of(question.asker_id)
    pool = mentor_pool(skills | related, team_id, question.asker_id, now)
    need = Need(
        skills=skills,
        related=related,
        team_id=team_id,
        own_mentor_id=pool.own_mentor_id,
        asker_id=question.asker_id,
        waited=now - question.created_at,
        tried=tried,
    )
    rules = routing_rules()
    return rank(prepare_helpers(pool.helpers, rules), need, now, rules, limit=limit), pool


def _team_of(user_id: int) -> int | None:
    return db.session.scalar(sa.select(User.team_id).where(User.id == user_id))


def _available_lead(question: Question, tried: frozenset[int], now: datetime) -> Choice | None:
    team_id = question.team_id if question.team_id is not None else _team_of(question.asker_id)
    if team_id is None:
        return None
    lead = db.session.scalar(sa.select(User).join(Team, Team.lead_id == User.id).where(Team.id == team_id))
    if (
        lead is None
        or not lead.active
        or lead.id in tried
        or lead.id == question.asker_id
        or lead.is_away_on(local_day(now, lead.timezone))
    ):
        return None
    if not _has_room(lead.id, now):
        return None
    return Choice(lead.id, LEAD_TIER, False, schedules([lead.id]).get(lead.id, Schedule()))


_users, _attempts, _questions = User.__table__, Attempt.__table__, Question.__table__
_LOCK = (
    sa.select(_users.c.max_open_questions, _users.c.timezone)
    .where(_users.c.id == sa.bindparam("person"))
    .with_for_update(key_share=True)
)
_ROOM = sa.select(
    sa.select(sa.func.count())
    .select_from(_attempts.join(_questions, _questions.c.id == _attempts.c.question_id))
    .where(
        _attempts.c.mentor_id == sa.bindparam("person"),
        _attempts.c.state == AttemptState.WAITING,
        _questions.c.state == QuestionState.OPEN,
    )
    .scalar_subquery(),
    sa.select(sa.func.count())
    .where(
        _attempts.c.mentor_id == sa.bindparam("person"),
        _attempts.c.created_at >= sa.bindparam("day", type_=UTCDateTime()),
    )
    .scalar_subquery(),
)


def _has_room(user_id: int, now: datetime) -> bool:
    """Count again under a lock on the person: two routings racing for someone's last open
    slot, or their last ping of the day, cannot both take it. The lock comes first, on its
    own: a count in the same statement would be read from before the wait for the lock."""
    cap, timezone = db.session.execute(_LOCK, {"person": user_id}).one()
    open_now, pinged = db.session.execute(_ROOM, {"person": user_id, "day": day_start(now, timezone)}).one()
    return open_now < cap and pinged < current_app.config["MAX_PINGS_PER_DAY"]
