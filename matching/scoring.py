"""How well a mentor fits a new hire: a score from 0 to 100 with a reason for every part,
and the hard exclusions that no score can outweigh.

Plain Python and NumPy over plain values: no Flask, no database. Every part of the score
is computed on arrays (new hires x mentors), so one formula serves a single pair's
explanation, a single proposal among thousands of mentors, and a whole cohort.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import numpy as np

from app.people.seniority import SENIORITY_NAMES
from matching.measures import (
    gap_value,
    kinds,
    overlap_hours,
    role_value,
    role_words,
    seniority_value,
    skill_levels,
    working_minutes,
)

PARTS = ("skills", "role", "seniority", "overlap", "team", "load")


@dataclass(frozen=True)
class NewHire:
    """What matching needs to know about a new hire."""

    id: int
    name: str = ""
    team_id: int | None = None
    team_name: str = ""
    title: str = ""
    level: int = 1
    timezone: str = "UTC"
    work_start: time = time(9)
    work_end: time = time(17)
    wants: Mapping[str, int] = field(default_factory=dict)  # skill name -> their level now
    reporting_line: frozenset[int] = frozenset()  # their manager, the manager's manager, ...


@dataclass(frozen=True)
class Mentor:
    """What matching needs to know about a mentor."""

    id: int
    name: str = ""
    team_id: int | None = None
    team_name: str = ""
    title: str = ""
    level: int = 3
    timezone: str = "UTC"
    work_start: time = time(9)
    work_end: time = time(17)
    teaches: Mapping[str, int] = field(default_factory=dict)  # skill name -> level
    mentees: int = 0  # active and proposed mentorships now
    max_mentees: int = 2
    away_from: date | None = None
    away_until: date | None = None

    @property
    def free_slots(self) -> int:
        return max(0, self.max_mentees - self.mentees)


@dataclass(frozen=True)
class Weights:
    """How much each part counts; an admin tunes these."""

    skills: float = 5.0
    role: float = 1.0
    seniority: float = 1.5
    overlap: float = 2.0
    team: float = 1.0
    load: float = 1.0

    def check(self) -> None:
        """Raise ValueError unless every weight is zero or more and one is above zero."""
        values = {name: getattr(self, name) for name in PARTS}
        negative = [name for name, value in values.items() if value < 0]
        if negative:
            raise ValueError(f"Weights cannot be negative: {', '.join(negative)}.")
        if not any(value > 0 for value in values.values()):
            raise ValueError("At least one weight must be above zero.")


@dataclass(frozen=True)
class Rules:
    """The settings around the score: hard limits and preferences."""

    min_overlap_hours: float = 2.0
    team_preference: str = "other"  # "same", "other" or "none"
    objective: str = "total"  # "total" (highest total score) or "matched" (most people matched)
    period_start: date | None = None  # the programme's dates, for absences
    period_days: int = 90
    reference_day: date | None = None  # the day working hours are compared on (DST matters)


@dataclass(frozen=True)
class Reason:
    part: str
    points: float  # this part's share of the 0-100 score
    text: str


@dataclass(frozen=True)
class Fit:
    """A pair's score and why, or why the pair can never be made."""

    hire_id: int
    mentor_id: int
    score: float
    reasons: tuple[Reason, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.excluded

    def reason_rows(self) -> list[dict]:
        """The reasons as plain rows, to keep with a proposal."""
        return [{"part": r.part, "points": round(r.points, 1), "text": r.text} for r in self.reasons]


@dataclass
class MentorPool:
    """Mentors prepared once for scoring: their skills, hours, roles and load as arrays."""

    mentors: list[Mentor]
    skills: dict[str, int]
    teaches: np.ndarray  # (m, skills) level, 0 where not taught
    window_kinds: list[tuple[str, time, time]]
    window_codes: np.ndarray
    role_kinds: list[frozenset[str]]
    role_codes: np.ndarray
    levels: np.ndarray
    teams: np.ndarray
    load: np.ndarray  # share of mentee slots taken, 0..1
    available: np.ndarray  # has a free slot and is not away
    index: dict[int, int]  # mentor id -> column


def prepare_mentors(mentors: list[Mentor], rules: Rules) -> MentorPool:
    """Turn mentors into the arrays scoring works on (do it once, score many new hires)."""
    day = rules.reference_day or date.today()
    skills, teaches = skill_levels([p.teaches for p in mentors])
    window_kinds, window_codes = kinds([(p.timezone, p.work_start, p.work_end) for p in mentors])
    role_kinds, role_codes = kinds([role_words(p.title) for p in mentors])
    return MentorPool(
        mentors=mentors,
        skills=skills,
        teaches=teaches,
        window_kinds=window_kinds,
        window_codes=window_codes,
        role_kinds=role_kinds,
        role_codes=role_codes,
        levels=np.array([p.level for p in mentors], dtype=np.int16),
        teams=np.array([p.team_id if p.team_id is not None else -2 for p in mentors]),
        load=np.array([min(1.0, p.mentees / p.max_mentees) if p.max_mentees else 1.0 for p in mentors]),
        available=np.array([p.free_slots > 0 and not _away(p, rules, day) for p in mentors], dtype=bool),
        index={p.id: j for j, p in enumerate(mentors)},
    )


@dataclass
class Table:
    """Every part of the score, and every exclusion, for new hires x mentors."""

    hires: list[NewHire]
    mentors: list[Mentor]
    values: dict[str, np.ndarray]  # part -> (h, m) array of 0..1
    scores: np.ndarray  # (h, m), 0..100
    allowed: np.ndarray  # (h, m) bool
    overlap: np.ndarray  # (h, m) hours
    taught: np.ndarray  # (h, m) how many wanted skills the mentor teaches
    blocked: dict[tuple[int, int], str]  # (row, column) -> reason a person gave


def used_weights(weights: Weights, rules: Rules) -> dict[str, float]:
    """The weight each part counts with under these rules (team counts only with a preference)."""
    used = {name: float(getattr(weights, name)) for name in PARTS}
    if rules.team_preference not in ("same", "other"):
        used["team"] = 0.0
    return used


def build_table(
    hires: list[NewHire],
    mentors: list[Mentor] | MentorPool,
    weights: Weights,
    rules: Rules,
    blocked_pairs: Mapping[tuple[int, int], str] | None = None,
) -> Table:
    """Score every (new hire, mentor) pair and mark the pairs that can never be made.

    blocked_pairs maps (new hire id, mentor id) to a reason: declined before, ended badly,
    "do not pair". The reporting line and everything else is worked out here.
    """
    weights.check()
    pool = mentors if isinstance(mentors, MentorPool) else prepare_mentors(mentors, rules)
    h, m = len(hires), len(pool.mentors)
    day = rules.reference_day or date.today()

    # Skills: each wanted skill the mentor teaches, by the gap between the two levels.
    skill_sum = np.zeros((h, m), dtype=np.float32)
    taught = np.zeros((h, m), dtype=np.int16)
    by_skill: dict[int, tuple[list[int], list[int]]] = {}
    for i, hire in enumerate(hires):
        for s, level in hire.wants.items():
            if s in pool.skills:
                rows, levels = by_skill.setdefault(pool.skills[s], ([], []))
                rows.append(i)
                levels.append(level)
    for column, (rows, levels) in by_skill.items():
        cols = np.flatnonzero(pool.teaches[:, column])
        if cols.size:
            gaps = pool.teaches[cols, column][None, :].astype(np.int16) - np.array(levels, dtype=np.int16)[:, None]
            block = np.ix_(np.array(rows), cols)
            skill_sum[block] += gap_value(gaps)
            taught[block] += 1
    wanted = np.array([max(len(p.wants), 1) for p in hires], dtype=np.float32)[:, None]
    values = {"skills": skill_sum / wanted}

    # Role, seniority and hours: compare each distinct pair of kinds once, then look up.
    hire_roles, hire_role_codes = kinds([role_words(p.title) for p in hires])
    closeness = np.array([[role_value(a, b) for b in pool.role_kinds] for a in hire_roles], dtype=np.float32).reshape(
        len(hire_roles), len(pool.role_kinds)
    )
    values["role"] = closeness[hire_role_codes][:, pool.role_codes]

    seniority = seniority_value(np.arange(-8, 9)).astype(np.float32)  # by gap, -8..8
    hire_levels = np.array([p.level for p in hires], dtype=np.int16)
    values["seniority"] = seniority[pool.levels[None, :] - hire_levels[:, None] + 8]

    hire_windows, hire_window_codes = kinds([(p.timezone, p.work_start, p.work_end) for p in hires])
    a = np.array([working_minutes(*w, day) for w in hire_windows]).reshape(-1, 2)
    b = np.array([working_minutes(*w, day) for w in pool.window_kinds]).reshape(-1, 2)
    shared = overlap_hours(a[:, :1], a[:, 1:], b[:, 0][None, :], b[:, 1][None, :]).astype(np.float32)
    overlap = shared[hire_window_codes][:, pool.window_codes]
    values["overlap"] = np.minimum(overlap, 4.0) / 4.0

    hire_teams = np.array([p.team_id if p.team_id is not None else -1 for p in hires])
    same_team = (hire_teams[:, None] == pool.teams[None, :]).astype(np.float32)
    values["team"] = 1.0 - same_team if rules.team_preference == "other" else same_team
    values["load"] = np.broadcast_to((1.0 - pool.load).astype(np.float32)[None, :], (h, m))

    used = used_weights(weights, rules)
    scale = 100.0 / (sum(used.values()) or 1.0)
    scores = np.zeros((h, m), dtype=np.float64)
    for name in PARTS:
        if used[name]:
            scores += values[name] * (used[name] * scale)

    allowed = (taught > 0) & (overlap >= rules.min_overlap_hours) & pool.available[None, :]
    hire_index = {p.id: i for i, p in enumerate(hires)}
    blocked: dict[tuple[int, int], str] = {}
    for (hire_id, mentor_id), reason in (blocked_pairs or {}).items():
        if hire_id in hire_index and mentor_id in pool.index:
            blocked[(hire_index[hire_id], pool.index[mentor_id])] = reason
    for i, hire in enumerate(hires):
        for mentor_id in hire.reporting_line:
            if mentor_id in pool.index:
                blocked[(i, pool.index[mentor_id])] = f"is in {_possessive(hire.name or 'the new hire')} reporting line"
        if hire.id in pool.index:
            blocked[(i, pool.index[hire.id])] = "is the new hire themselves"
    for i, j in blocked:
        allowed[i, j] = False
    return Table(hires, pool.mentors, values, scores, allowed, overlap, taught, blocked)


def _away(mentor: Mentor, rules: Rules, day: date) -> bool:
    """Tell whether the mentor is away during any of the programme's first weeks."""
    if mentor.away_from is None and mentor.away_until is None:
        return False
    starts = rules.period_start or day
    ends = starts + timedelta(days=min(rules.period_days, 28))
    return (mentor.away_from or date.min) <= ends and (mentor.away_until or date.max) >= starts


def explain(table: Table, i: int, j: int, weights: Weights, rules: Rules) -> Fit:
    """Return the score of one pair of the table with a reason for each part."""
    hire, mentor = table.hires[i], table.mentors[j]
    used = used_weights(weights, rules)
    scale = 100.0 / (sum(used.values()) or 1.0)
    points = {name: float(used[name] * table.values[name][i, j] * scale) for name in PARTS}

    reasons = []
    mentor_name, hire_name = mentor.name or "The mentor", hire.name or "the new hire"
    taught = [(s, mentor.teaches[s], hire.wants[s]) for s in sorted(hire.wants) if s in mentor.teaches]
    if taught:
        text = "; ".join(f"{mentor_name} teaches {s} at {t}/5, {hire_name} is at {w}/5" for s, t, w in taught)
    else:
        text = f"teaches none of the skills {hire_name} wants to learn"
    reasons.append(Reason("skills", points["skills"], text))
    closeness = table.values["role"][i, j]
    reasons.append(
        Reason(
            "role",
            points["role"],
            f"same role: {mentor.title}"
            if closeness >= 0.99
            else f"related role: {mentor.title}"
            if closeness > 0
            else f"different role: {mentor.title or 'no title'}",
        )
    )
    gap = mentor.level - hire.level
    rank = seniority_word(mentor.title, mentor.level)
    reasons.append(
        Reason(
            "seniority",
            points["seniority"],
            f"{gap} level{'s' if abs(gap) != 1 else ''} more senior than {hire_name} ({rank})"
            if gap > 0
            else f"same level as {hire_name} ({rank})"
            if gap == 0
            else f"less senior than {hire_name} ({rank})",
        )
    )
    hours = float(table.overlap[i, j])
    reasons.append(Reason("overlap", points["overlap"], f"{_hours(hours)} of shared working hours"))
    if used["team"]:
        same = hire.team_id is not None and hire.team_id == mentor.team_id
        reasons.append(
            Reason(
                "team",
                points["team"],
                f"same team ({mentor.team_name})" if same else f"another team ({mentor.team_name or 'no team'})",
            )
        )
    reasons.append(Reason("load", points["load"], f"{mentor.mentees} of {mentor.max_mentees} mentee slots taken"))

    excluded = tuple(text for _, text in exclusions(table, i, j, rules))
    return Fit(hire.id, mentor.id, round(float(table.scores[i, j]), 1), tuple(reasons), excluded)


def exclusions(table: Table, i: int, j: int, rules: Rules) -> list[tuple[str, str]]:
    """Each rule that keeps a pair of the table from being made, as (rule, its words): "full",
    "away", "self" (the new hire themselves), "reporting-line", "pair" (declined, unanswered or
    ended badly before, or do-not-pair), "skills" and "overlap"."""
    hire, mentor = table.hires[i], table.mentors[j]
    found = []
    if mentor.free_slots <= 0:
        found.append(("full", "has no free mentee slot"))
    if _away(mentor, rules, rules.reference_day or date.today()):
        found.append(("away", "is away during the programme"))
    if (i, j) in table.blocked:
        rule = "self" if hire.id == mentor.id else "reporting-line" if mentor.id in hire.reporting_line else "pair"
        found.append((rule, table.blocked[(i, j)]))
    if table.taught[i, j] == 0:
        found.append(("skills", f"teaches none of the skills {hire.name or 'the new hire'} wants to learn"))
    hours = float(table.overlap[i, j])
    if hours < rules.min_overlap_hours:
        found.append(
            (
                "overlap",
                f"shares only {_hours(hours)} of working hours (at least {_hours(rules.min_overlap_hours)} needed)",
            )
        )
    return found


def seniority_word(title: str, level: int) -> str:
    """How senior someone is, in words: the title they hold, or the level's name without one."""
    return title.strip() or SENIORITY_NAMES.get(level, f"level {level}")


def named_reasons(reasons: list[dict], hire_name: str) -> list[dict]:
    """Reasons kept in the older wording ("teaches SQL 4/5, you are 1/5", said to the new hire)
    reworded with the new hire's name, so that an admin, a lead or the mentor reading them does
    not take "you" for themselves. Reasons in the current wording already name both people."""
    return [
        {
            **reason,
            "text": reason["text"]
            .replace(", you are ", f", {hire_name} is ")
            .replace("skills you want to learn", f"skills {hire_name} wants to learn")
            .replace("than you", f"than {hire_name}")
            .replace("your reporting line", f"{_possessive(hire_name)} reporting line"),
        }
        for reason in reasons
    ]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _hours(value: float) -> str:
    return f"{value:.0f} h" if abs(value - round(value)) < 0.05 else f"{value:.1f} h"
