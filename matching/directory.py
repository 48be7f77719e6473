"""Reading people from the database as the plain values the matching core scores, and the
settings that steer it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.database import dialect_insert
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import Role, Skill, SkillKind, User, UserRole, UserSkill
from app.people.services import managers_by_person, reporting_line
from matching.models import LIVE_STATES, DoNotPair, MatchingSettings, Mentorship, MentorshipState
from matching.scoring import Mentor, NewHire, Rules, Weights

TEAM_PREFERENCES = {
    "other": "Prefer mentors from another team",
    "same": "Prefer mentors from the same team",
    "none": "No preference",
}
OBJECTIVES = {"total": "Highest total score", "matched": "Most people matched"}


def current_settings() -> MatchingSettings:
    """Return the matching settings, creating the defaults on first use."""
    settings = db.session.get(MatchingSettings, 1)
    if settings is None:
        # Two first runs at once (two workers, two accepts) must not both insert the row:
        # ON CONFLICT DO NOTHING waits for the other insert and then leaves it be.
        db.session.execute(dialect_insert(MatchingSettings).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
        settings = db.session.get(MatchingSettings, 1)
    return settings


def weights_of(settings: MatchingSettings) -> Weights:
    return Weights(
        skills=settings.weight_skills,
        role=settings.weight_role,
        seniority=settings.weight_seniority,
        overlap=settings.weight_overlap,
        team=settings.weight_team,
        load=settings.weight_load,
    )


def rules_of(settings: MatchingSettings, today: date | None = None) -> Rules:
    return Rules(
        min_overlap_hours=settings.min_overlap_hours,
        team_preference=settings.team_preference,
        objective=settings.objective,
        period_start=today,
        period_days=settings.programme_days,
        reference_day=today,
    )


@dataclass(frozen=True)
class SettingsChange:
    weights: Weights
    min_overlap_hours: float
    team_preference: str
    objective: str
    proposal_days: int
    programme_days: int
    fit_check_days: int


def update_settings(change: SettingsChange) -> MatchingSettings:
    """Save new matching settings; they apply from the next proposal or cohort run."""
    errors: dict[str, str] = {}
    try:
        change.weights.check()
    except ValueError as exc:
        errors["weights"] = str(exc)
    if not 0 <= change.min_overlap_hours <= 12:
        errors["min_overlap_hours"] = "Choose from 0 to 12 hours."
    if change.team_preference not in TEAM_PREFERENCES:
        errors["team_preference"] = "Choose a team preference from the list."
    if change.objective not in OBJECTIVES:
        errors["objective"] = "Choose an objective from the list."
    for name, low, high in (("proposal_days", 1, 30), ("programme_days", 7, 730), ("fit_check_days", 1, 90)):
        if not low <= getattr(change, name) <= high:
            errors[name] = f"Choose from {low} to {high} days."
    if errors:
        raise InvalidInput(errors)
    settings = current_settings()
    w = change.weights
    settings.weight_skills, settings.weight_role, settings.weight_seniority = w.skills, w.role, w.seniority
    settings.weight_overlap, settings.weight_team, settings.weight_load = w.overlap, w.team, w.load
    settings.min_overlap_hours = change.min_overlap_hours
    settings.team_preference, settings.objective = change.team_preference, change.objective
    settings.proposal_days, settings.programme_days = change.proposal_days, change.programme_days
    settings.fit_check_days = change.fit_check_days
    db.session.flush()
    return settings


def _skill_map(user_ids: Iterable[int], kind: SkillKind) -> dict[int, dict[str, int]]:
    rows = db.session.execute(
        sa.select(UserSkill.user_id, Skill.name, UserSkill.level)
        .join(Skill)
        .where(UserSkill.user_id.in_(list(user_ids)), UserSkill.kind == kind)
    )
    skills: dict[int, dict[str, int]] = {}
    for user_id, name, level in rows:
        skills.setdefault(user_id, {})[name] = level
    return skills


def _profile(u: User) -> dict:
    """What the matching core knows of anyone it pairs, new hire or mentor alike."""
    return dict(
        id=u.id,
        name=u.name,
        team_id=u.team_id,
        team_name=u.team.name if u.team else "",
        title=u.title,
        level=u.level,
        timezone=u.timezone,
        work_start=u.work_start,
        work_end=u.work_end,
    )


def new_hires(user_ids: Iterable[int]) -> list[NewHire]:
    """Load new hires as the matching core sees them, in the order given."""
    ids = list(user_ids)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    wants = _skill_map(ids, SkillKind.LEARN)
    managers = managers_by_person()
    return [
        NewHire(
            **_profile(u),
            wants=wants.get(u.id, {}),
            reporting_line=frozenset(reporting_line(u.id, managers)),
        )
        for u in (users[i] for i in ids if i in users)
    ]


def mentor_loads(mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """How many live (proposed or active) mentorships each mentor carries."""
    query = (
        sa.select(Mentorship.mentor_id, sa.func.count())
        .where(Mentorship.state.in_(LIVE_STATES))
        .group_by(Mentorship.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(Mentorship.mentor_id.in_(list(mentor_ids)))
    return dict(db.session.execute(query).all())


def mentors(teaching: Iterable[str] | None = None) -> list[Mentor]:
    """Load the active mentors (those teaching one of the named skills, if given)."""
    query = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.MENTOR, User.active.is_(True))
        .order_by(User.id)
    )
    if teaching is not None:
        names = list(teaching)
        query = query.where(
            User.id.in_(
                sa.select(UserSkill.user_id).join(Skill).where(UserSkill.kind == SkillKind.TEACH, Skill.name.in_(names))
            )
        )
    users = list(db.session.scalars(query))
    ids = [u.id for u in users]
    teaches = _skill_map(ids, SkillKind.TEACH)
    loads = mentor_loads(ids)
    return [
        Mentor(
            **_profile(u),
            teaches=teaches.get(u.id, {}),
            mentees=loads.get(u.id, 0),
            max_mentees=u.max_mentees,
            away_from=u.away_from,
            away_until=u.away_until,
        )
        for u in users
    ]


def blocked_pairs(hire_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """Pairs never to propose again: declined, unanswered, ended badly, or "do not pair"."""
    ids = list(hire_ids)
    blocked: dict[tuple[int, int], str] = {}
    past = db.session.execute(
        sa.select(Mentorship.new_hire_id, Mentorship.mentor_id, Mentorship.state, Mentorship.ended_badly).where(
            Mentorship.new_hire_id.in_(ids)
        )
    )
    for hire_id, mentor_id, state, badly in past:
        if state == MentorshipState.DECLINED:
            blocked[(hire_id, mentor_id)] = "declined to mentor them before"
        elif state == MentorshipState.EXPIRED:
            blocked[(hire_id, mentor_id)] = "did not answer an earlier proposal"
        elif badly:
            blocked[(hire_id, mentor_id)] = "had a mentorship with them that did not work out"
    for hire_id, mentor_id in db.session.execute(
        sa.select(DoNotPair.new_hire_id, DoNotPair.mentor_id).where(DoNotPair.new_hire_id.in_(ids))
    ):
        blocked[(hire_id, mentor_id)] = "is on the do-not-pair list"
    return blocked


def unmatched_new_hires() -> list[int]:
    """Ids of active new hires with no live mentorship, oldest first."""
    live = sa.select(Mentorship.new_hire_id).where(Mentorship.state.in_(LIVE_STATES))
    query = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.NEW_HIRE, User.active.is_(True), User.id.not_in(live))
        .order_by(User.start_date.is_(None), User.start_date, User.id)
    )
    return list(db.session.scalars(query))
