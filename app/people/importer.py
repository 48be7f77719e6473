"""Importing people from a CSV file: read and check every row first, then write all of
them in one go, or none of them when any row has a problem, so that a file is never
half-imported and a fixed file can simply be imported again.

The file's format is described in app.people.csv_rows, the checks in app.people.csv_checks.
Re-importing updates people by email and never duplicates them. A skill is created only
when the caller asks for new skills; otherwise an unknown skill is a problem of its row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.people.csv_checks import check_rows
from app.people.csv_rows import PersonRow, RowProblem, decode_csv, read_people_csv
from app.people.models import Role, Skill, SkillAlias, SkillKind, Team, User, UserSkill, normalize_key
from app.people.skills import find_skill

__all__ = ["ImportReport", "RowProblem", "decode_csv", "import_people_csv"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: people created and updated and skills added, or, when any row has
    a problem, every problem and nothing imported."""

    created: int = 0
    updated: int = 0
    problems: tuple[RowProblem, ...] = ()
    new_skills: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    # The ids of the people created (to invite them).
    created_ids: tuple[int, ...] = ()

    @property
    def bad_rows(self) -> tuple[int, ...]:
        """The numbers of the rows that have problems."""
        return tuple(sorted({p.row for p in self.problems}))

    def lines(self) -> list[str]:
        """Return the report as lines of plain text."""
        if self.problems:
            bad = len(self.bad_rows)
            lines = [
                f"Nothing was imported: {bad} row{' has' if bad == 1 else 's have'} problems. "
                "Fix them and import the file again."
            ]
            lines += [f"Row {p.row}, {p.column or 'the whole row'}: {p.reason}" for p in self.problems]
        else:
            lines = [f"{self.created} created, {self.updated} updated."]
        if self.new_skills:
            lines.append(
                "New skills created (merge any duplicates into an existing skill): " + ", ".join(self.new_skills)
            )
        if self.ignored_columns:
            lines.append("Ignored columns: " + ", ".join(self.ignored_columns))
        return lines


def import_people_csv(
    text: str, create_skills: bool = False, how_to_add_skills: str = "add it on the Skills page first"
) -> ImportReport:
    """Create or update the people of every row of CSV text, or report every problem of every
    row and write nothing; flush, no commit.

    Skills not in the catalogue are created only with `create_skills`; otherwise each is a
    problem whose reason ends with `how_to_add_skills`. Raises InvalidInput({"file": ...})
    when the file as a whole cannot be read.
    """
    read = read_people_csv(text)
    skills = _skill_keys()
    problems = check_rows(
        read,
        _team_names(),
        _reporting_lines(),
        lambda name: skills.get(normalize_key(name)),
        create_skills,
        how_to_add_skills,
    )
    if problems:
        return ImportReport(problems=problems, ignored_columns=read.ignored_columns)
    created, updated, new_skills = _write(list(read.rows))
    return ImportReport(len(created), updated, (), new_skills, read.ignored_columns, tuple(user.id for user in created))


# What the database already knows, for checking the rows.


def _team_names() -> set[str]:
    """Return the names of the teams, in lower case."""
    return {name.casefold() for name in db.session.scalars(sa.select(Team.name))}


def _reporting_lines() -> dict[str, str | None]:
    """Map everyone's email to their manager's email (None for no manager)."""
    manager = aliased(User)
    query = sa.select(User.email, manager.email).outerjoin(manager, User.manager_id == manager.id)
    return {email: manager for email, manager in db.session.execute(query)}


def _skill_keys() -> dict[str, str]:
    """Map the lookup key of every skill name and alias to its skill's key."""
    keys = {key: key for key in db.session.scalars(sa.select(Skill.key))}
    aliases = sa.select(SkillAlias.key, Skill.key).join(Skill, SkillAlias.skill_id == Skill.id)
    keys.update((alias, key) for alias, key in db.session.execute(aliases))
    return keys


# Writing, in one transaction.


def _people_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Load the people with these emails (in chunks, to stay under parameter limits)."""
    emails, people = sorted(set(emails)), {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        found = db.session.scalars(sa.select(User).where(User.email.in_(chunk)))
        people.update((u.email, u) for u in found)
    return people


def _write(rows: list[PersonRow]) -> tuple[list[User], int, tuple[str, ...]]:
    """Create or update the people of the rows and the skills they name; flush, no commit.

    Returns the people created, how many were updated, and the names of the new skills.
    """
    teams = {t.name.casefold(): t.id for t in db.session.scalars(sa.select(Team))}
    people = _people_by_email([r.email for r in rows] + [r.manager_email for r in rows if r.manager_email])
    skills: dict[str, Skill] = {}
    new_skills: list[str] = []

    def skill_named(name: str) -> Skill:
        key = normalize_key(name)
        if key not in skills:
            skill = find_skill(name)
            if skill is None:
                skill = Skill(name=name, key=key, category="")
                db.session.add(skill)
                new_skills.append(name)
            skills[key] = skill
        return skills[key]

    created: list[User] = []
    for row in rows:
        user = people.get(row.email)
        if user is None:
            user = people[row.email] = User(email=row.email, roles={Role.NEW_HIRE})
            db.session.add(user)
            created.append(user)
        for attribute, value in row.values.items():
            setattr(user, attribute, value)
        if row.team is not None:
            user.team_id = teams[row.team.casefold()] if row.team else None
        for kind, items in row.skills.items():
            _replace_skills(user, kind, {skill_named(name): level for name, level in items})
    for row in rows:
        if row.manager_email is not None:
            people[row.email].manager = people[row.manager_email] if row.manager_email else None
    db.session.flush()
    return created, len(rows) - len(created), tuple(new_skills)


def _replace_skills(user: User, kind: SkillKind, wanted: dict[Skill, int]) -> None:
    """Make a person's skills of one kind exactly the wanted skills and levels."""
    for row in [r for r in user.skills if r.kind == kind]:
        if row.skill in wanted:
            row.level = wanted.pop(row.skill)
        else:
            user.skills.remove(row)
    user.skills.extend(UserSkill(skill=skill, kind=kind, level=level) for skill, level in wanted.items())
