"""Who to ask next about a question, and when they hear of it.

The best-ranked mentor with room for one more question (matching's ranking core decides the
order; for a blocking question, the best one working now), or the team lead once the
mentors had their tries. Room is counted again under a lock on the person, so two
routings racing for someone's last open slot cannot both take it (MentorFull: look again).
Routing itself, the attempts and their deadlines: app.help.routing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.help import digest_settings
from app.help.digest_schedule import next_digest_at
from app.help.mentor_pool import OPEN_LOAD, helpers, own_mentor, related_skills, schedules
from app.help.models import Attempt, AttemptState, DigestFrequency, Question, Urgency
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


def when_told(urgency: Urgency, mentor_id: int, now: datetime) -> tuple[datetime, bool]:
    """When the person asked hears of the question, and whether that is by a mail now.

    The time to answer starts when they hear of it, so a deadline never runs out before,
    unless their next digest is more than LONGEST_UNTOLD away.
    Blocking questions are mailed at once, and so are the rest to mentors who chose that;
    other mentors hear of a question that can wait in their next digest, and those who
    unsubscribed from digests find it in their web inbox, now.
    """
    if urgency == Urgency.BLOCKING:
        return now, True
    if opted_out(mentor_id, digest_settings.TOPIC):
        return now, False
    setting = digest_settings.setting_of(mentor_id)
    if setting.frequency == DigestFrequency.AT_ONCE:
        return now, True
    timezone = db.session.scalar(sa.select(User.timezone).where(User.id == mentor_id))
    due = next_digest_at(setting.frequency, setting.minute_of_day, setting.weekday, timezone, setting.last_sent_at, now)
    # A weekly digest must not hold a new hire's question for a week: after a day without
    # the mentor hearing of it, its time runs out and the next mentor is asked.
    return min(max(due, now), now + LONGEST_UNTOLD), False


def choose(question: Question, attempts: list[Attempt], now: datetime) -> tuple[int, str, bool] | None:
    """Who to ask next, why, and whether some who could answer are off work: ranked mentors,
    then the lead; after N tries the lead first."""
    tried = frozenset(a.mentor_id for a in attempts)
    # Someone whose mail is paused never heard of the question, and someone who left could
    # not answer it: neither was a try.
    tries = sum(a.state not in (AttemptState.UNREACHED, AttemptState.LEFT) for a in attempts)
    escalate = tries >= current_app.config["ROUTING_ATTEMPTS"]
    if not escalate:
        choice = _best_mentor(question, tried, now)
        if choice is not None:
            return choice
    lead_id = _available_lead(question, tried, now)
    if lead_id is not None:
        return lead_id, LEAD_TIER, False
    if escalate:
        # With no lead to take it, keep asking mentors rather than leave it with nobody.
        return _best_mentor(question, tried, now)
    return None


def _best_mentor(question: Question, tried: frozenset[int], now: datetime) -> tuple[int, str, bool] | None:
    """The best-ranked mentor; for a blocking question, the best one working now, else the
    one whose work starts first. Also says whether some who could answer are off work."""
    ranked = candidates(question, tried, now, limit=1 if question.urgency != Urgency.BLOCKING else 20)
    if not ranked:
        return None
    best = ranked[0]
    if question.urgency == Urgency.BLOCKING:
        times = schedules(c.helper_id for c in ranked)
        starts = [next_working_start(times.get(c.helper_id, Schedule()), now) for c in ranked]
        best = ranked[min(range(len(ranked)), key=lambda k: (starts[k], k))]
        some_off = any(start > now for start in starts)
    else:
        some_off = False
    if not _has_room(best.helper_id, now):
        raise MentorFull(best.helper_id)
    return best.helper_id, best.why, some_off


def candidates(question: Question, tried: frozenset[int], now: datetime, limit: int = 5) -> list[Candidate]:
    """The mentors who could be asked about the question now, best first."""
    skills = frozenset(s.name for s in question.skills)
    related = related_skills(question)
    team_id = question.team_id if question.team_id is not None else question.asker.team_id
    need = Need(
        skills=skills,
        related=related,
        team_id=team_id,
        own_mentor_id=own_mentor(question.asker_id),
        asker_id=question.asker_id,
        waited=now - question.created_at,
        tried=tried,
    )
    rules = routing_rules()
    pool = prepare_helpers(helpers(skills | related, team_id, now, also=need.own_mentor_id), rules)
    return rank(pool, need, now, rules, limit=limit)


def _available_lead(question: Question, tried: frozenset[int], now: datetime) -> int | None:
    team_id = question.team_id if question.team_id is not None else question.asker.team_id
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
    return lead.id if _has_room(lead.id, now) else None


def _has_room(user_id: int, now: datetime) -> bool:
    """Count again under a lock on the person: two routings racing for someone's last open
    slot, or their last ping of the day, cannot both take it."""
    cap, timezone = db.session.execute(
        sa.select(User.max_open_questions, User.timezone).where(User.id == user_id).with_for_update(key_share=True)
    ).one()
    open_now = db.session.scalar(
        sa.select(sa.func.count()).select_from(Attempt).join(Question).where(*OPEN_LOAD, Attempt.mentor_id == user_id)
    )
    pinged = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attempt)
        .where(Attempt.mentor_id == user_id, Attempt.created_at >= day_start(now, timezone))
    )
    return open_now < cap and pinged < current_app.config["MAX_PINGS_PER_DAY"]
