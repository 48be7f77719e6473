"""Who should answer a stuck question: mentors ranked in tiers, best first.

The tiers, in order: the asker's own mentor if they teach one of the question's skills
(or if the question names no skill); mentors who teach the skills; after a while, mentors who teach related skills; later
still, any available mentor of the team (the longer a question waits, the wider the net;
a question naming no skill goes to the team's mentors at once, by load and hours).
Within a tier: skill fit, being inside working hours now, open load, reply speed, and how
long since they were last asked. Away mentors, mentors at their cap of open questions or
of pings for the day, and mentors already tried are never chosen.

Plain Python and NumPy over plain values: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from matching.measures import kinds, skill_levels, working_minutes

OWN_MENTOR, TEACHES, RELATED, TEAM = 0, 1, 2, 3
# A mentor last asked this long ago (or longer) counts as fully rested.
RESTED_AFTER = timedelta(days=1)
TIER_NAMES = {
    OWN_MENTOR: "your mentor",
    TEACHES: "teaches the skill",
    RELATED: "teaches a related skill",
    TEAM: "available in your team",
}


class Helper(NamedTuple):
    """A mentor as a candidate to answer questions (a named tuple: a question is ranked
    among hundreds or thousands of them, made anew each time)."""

    id: int
    team_id: int | None = None
    timezone: str = "UTC"
    work_start: time = time(9)
    work_end: time = time(17)
    teaches: Mapping[str, int] = MappingProxyType({})  # skill name -> level
    open_questions: int = 0
    max_open_questions: int = 5
    pings_today: int = 0
    median_reply_minutes: float | None = None  # recent reply speed; None when unknown
    # None when never asked, or not within RESTED_AFTER (they count as fully rested alike).
    last_asked_at: datetime | None = None
    away: bool = False
    # Whether they are working at the moment of ranking, by their days, hours, away dates and
    # holidays; None to judge by their daily hours alone.
    working: bool | None = None


@dataclass(frozen=True)
class Need:
    """What a question needs, and how long it has waited."""

    skills: frozenset[str]
    related: frozenset[str] = frozenset()
    team_id: int | None = None
    own_mentor_id: int | None = None
    asker_id: int | None = None
    waited: timedelta = timedelta(0)
    tried: frozenset[int] = frozenset()  # mentors already asked (and silent, or passed)


@dataclass(frozen=True)
class RoutingRules:
    relax_after: timedelta = timedelta(minutes=30)  # then related skills count
    any_after: timedelta = timedelta(hours=2)  # then any available mentor of the team
    max_pings_per_day: int = 8
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"skill": 4.0, "in_hours": 3.0, "load": 2.0, "speed": 1.5, "rested": 1.0}
    )


@dataclass(frozen=True)
class Candidate:
    helper_id: int
    tier: int
    score: float

    @property
    def why(self) -> str:
        return TIER_NAMES[self.tier]


@dataclass
class HelperPool:
    """Mentors prepared once as arrays, to rank many questions against."""

    helpers: list[Helper]
    skills: dict[str, int]
    teaches: np.ndarray  # (m, skills) level, 0 where not taught
    teams: np.ndarray
    window_kinds: list[tuple[str, time, time]]
    window_codes: np.ndarray
    load: np.ndarray  # open / cap, 0..1
    speed: np.ndarray  # 0..1, faster is higher
    last_asked: np.ndarray  # POSIX seconds, 0 when never
    available: np.ndarray  # not away, under both caps
    ids: np.ndarray
    working: np.ndarray | None = None  # known working now (see Helper.working), when all are known


def prepare_helpers(helpers: list[Helper], rules: RoutingRules) -> HelperPool:
    """Turn mentors into the arrays ranking works on."""
    skills, teaches = skill_levels([h.teaches for h in helpers])
    window_kinds, window_codes = kinds([(h.timezone, h.work_start, h.work_end) for h in helpers])
    minutes = np.array(
        [h.median_reply_minutes if h.median_reply_minutes is not None else np.nan for h in helpers], dtype=float
    )
    # Replying within a quarter of an hour is the best; slower counts less; unknown is middling.
    speed = np.where(np.isnan(minutes), 0.5, 1.0 / (1.0 + np.nan_to_num(minutes) / 15.0))
    return HelperPool(
        helpers=helpers,
        skills=skills,
        teaches=teaches,
        teams=np.array([h.team_id if h.team_id is not None else -2 for h in helpers]),
        window_kinds=window_kinds,
        window_codes=window_codes,
        load=np.array(
            [min(1.0, h.open_questions / h.max_open_questions) if h.max_open_questions else 1.0 for h in helpers]
        ),
        speed=speed,
        last_asked=np.array([h.last_asked_at.timestamp() if h.last_asked_at else 0.0 for h in helpers]),
        available=np.array(
            [
                not h.away and h.open_questions < h.max_open_questions and h.pings_today < rules.max_pings_per_day
                for h in helpers
            ],
            dtype=bool,
        ),
        ids=np.array([h.id for h in helpers], dtype=np.int64),
        working=(
            np.array([bool(h.working) for h in helpers], dtype=bool)
            if helpers and all(h.working is not None for h in helpers)
            else None
        ),
    )


def in_working_hours(pool: HelperPool, now: datetime) -> np.ndarray:
    """Whether each mentor is inside their working hours at `now` (an aware datetime)."""
    utc = now.astimezone(UTC)
    minute = utc.hour * 60 + utc.minute
    inside = np.zeros(len(pool.window_kinds), dtype=bool)
    for k, (tz, start, end) in enumerate(pool.window_kinds):
        begins, ends = working_minutes(tz, start, end, utc.date())
        # The day's window, or yesterday's running past midnight, may hold this minute.
        inside[k] = begins <= minute < ends or begins <= minute + 1440 < ends or begins <= minute - 1440 < ends
    return inside[pool.window_codes]


def rank(pool: HelperPool, need: Need, now: datetime, rules: RoutingRules, limit: int = 5) -> list[Candidate]:
    """The mentors to ask about a question, best first, at most `limit`."""
    m = len(pool.helpers)
    if m == 0:
        return []
    asked = [pool.skills[s] for s in need.skills if s in pool.skills]
    related = [pool.skills[s] for s in need.related - need.skills if s in pool.skills]
    direct = pool.teaches[:, asked].max(axis=1) if asked else np.zeros(m, dtype=np.int8)
    nearby = pool.teaches[:, related].max(axis=1) if related else np.zeros(m, dtype=np.int8)

    tier = np.full(m, 99, dtype=np.int16)
    # With no skill named there is nobody to look for by skill: the team's mentors at once.
    if need.team_id is not None and (need.waited >= rules.any_after or not need.skills):
        tier[pool.teams == need.team_id] = TEAM
    if need.waited >= rules.relax_after:
        tier[nearby > 0] = RELATED
    tier[direct > 0] = TEACHES
    if need.own_mentor_id is not None:
        own = pool.ids == need.own_mentor_id
        # Their own mentor first when they teach the skill, or when no skill is known.
        tier[own & ((direct > 0) | (not need.skills))] = OWN_MENTOR

    allowed = pool.available & (tier < 99)
    for helper_id in need.tried | ({need.asker_id} if need.asker_id is not None else set()):
        allowed &= pool.ids != helper_id
    if not allowed.any():
        return []

    w = rules.weights
    fit = np.maximum(direct, nearby * 0.6) / 5.0
    hours = (pool.working if pool.working is not None else in_working_hours(pool, now)).astype(float)
    since = now.timestamp() - pool.last_asked
    rested = np.where(pool.last_asked == 0, 1.0, np.clip(since / RESTED_AFTER.total_seconds(), 0, 1))
    score = (
        (
            w["skill"] * fit
            + w["in_hours"] * hours
            + w["load"] * (1 - pool.load)
            + w["speed"] * pool.speed
            + w["rested"] * rested
        )
        / sum(w.values())
        * 100
    )

    rows = np.flatnonzero(allowed)
    # Lower tier first, then the higher score; a stable order keeps ties predictable.
    order = rows[np.lexsort((-score[rows], tier[rows]))][:limit]
    return [Candidate(int(pool.ids[j]), int(tier[j]), round(float(score[j]), 1)) for j in order]
