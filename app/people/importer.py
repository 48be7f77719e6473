"""Importing people from a CSV file: read and check every row first, then write the good
rows in one transaction, so that no row is ever half-written.

The first row names the columns. `email` and `name` are required; `team`, `roles`,
`title`, `level`, `timezone`, `manager_email`, `can_teach`, `wants_to_learn`,
`working_hours` ("09:00-17:00") and `start_date` (YYYY-MM-DD) are optional. A column left
out of the file leaves that detail as it is. In a column that is there, an empty cell clears
the team, title, manager, start date or skills of that kind; an empty roles, level, time
zone or working hours cell keeps the current value (or the default for a new person).
Roles and skills are separated by ";", and skills are written "name:level", e.g.
"SQL:4;Python:3". Re-importing updates people by email and never duplicates them.
Row numbers count the header as row 1, as a spreadsheet does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.people.models import Role, Skill, SkillKind, Team, User, UserSkill, normalize_key
from app.people.services import (
    InvalidInput,
    check_working_hours,
    parse_roles,
    valid_email,
    valid_level,
    valid_timezone,
)
from app.people.skills import MAX_SKILL_NAME, find_skill

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("team", "roles", "title", "level", "timezone", "manager_email",
                    "can_teach", "wants_to_learn", "working_hours", "start_date")
SKILL_COLUMNS = {"can_teach": SkillKind.TEACH, "wants_to_learn": SkillKind.LEARN}


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file was not imported: its row number, the column and the reason."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: people created and updated, bad rows, and skills it added."""

    created: int = 0
    updated: int = 0
    problems: tuple[RowProblem, ...] = ()
    new_skills: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def bad_rows(self) -> tuple[int, ...]:
        """The numbers of the rows that were not imported."""
        return tuple(sorted({p.row for p in self.problems}))

    def lines(self) -> list[str]:
        """Return the report as lines of plain text."""
        bad = len(self.bad_rows)
        lines = [f"{self.created} created, {self.updated} updated, {bad} bad row{'' if bad == 1 else 's'}."]
        lines += [f"Row {p.row}, {p.column}: {p.reason}" for p in self.problems]
        if self.new_skills:
            lines.append("New skills (merge any duplicates into an existing skill): "
                         + ", ".join(self.new_skills))
        if self.ignored_columns:
            lines.append("Ignored columns: " + ", ".join(self.ignored_columns))
        return lines


@dataclass(frozen=True)
class PersonRow:
    """One row of the file read into plain values; None means the column is not in the file."""

    row: int
    email: str
    # User attributes to set: name, title, level, timezone, work hours, start date, roles.
    values: dict = field(default_factory=dict)
    team: str | None = None
    manager_email: str | None = None
    skills: dict[SkillKind, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadFile:
    """The rows of a file whose email could be read, the problems found, columns ignored."""

    rows: tuple[PersonRow, ...]
    problems: tuple[RowProblem, ...]
    ignored_columns: tuple[str, ...] = ()


# Reading: plain Python, no database.

def _column_name(header: str) -> str:
    """Read a header as a column name: "Manager Email" is manager_email."""
    return "_".join(header.replace("-", " ").split()).lower()


def _clean(text: str | None) -> str:
    """Trim text and squeeze its runs of spaces into one."""
    return " ".join((text or "").split())


def read_people_csv(text: str) -> ReadFile:
    """Read CSV text into rows and the problems each row has on its own, without the database.

    Raises InvalidInput({"file": ...}) when the file as a whole cannot be read.
    """
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInput({"file": f"This is not a CSV file Unstuck can read ({exc})."}) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput({"file": "The file is empty; its first row should name the columns."})
    columns = [_column_name(h) for h in records[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InvalidInput({"file": "The first row must name the columns, including "
                            + " and ".join(missing) + "."})
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise InvalidInput({"file": "The column " + ", ".join(repeated) + " appears twice."})
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    ignored = tuple(c for c in columns if c and c not in known)

    rows: list[PersonRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(RowProblem(number, "", "This row has more cells than the first row "
                                                   "has column names."))
            continue
        cells = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        row, row_problems = _read_row(number, cells)
        if row is not None and row.email in first_row_of:
            row_problems.append(RowProblem(number, "email", f"{row.email} is also on row "
                                           f"{first_row_of[row.email]}; only that row is imported."))
        elif row is not None:
            first_row_of[row.email] = number
        if row is not None:
            rows.append(row)
        problems.extend(row_problems)
    return ReadFile(tuple(rows), tuple(problems), ignored)


def _read_row(number: int, cells: dict[str, str]) -> tuple[PersonRow | None, list[RowProblem]]:
    """Read one row's cells; the row is None if its email cannot be read."""
    problems: list[RowProblem] = []

    def check(column: str, read: Callable[[str], object]):
        try:
            return read(cells[column].strip())
        except ValueError as exc:
            problems.append(RowProblem(number, column, str(exc)))
            return None

    email = check("email", valid_email)
    values: dict = {"name": check("name", _read_name)}
    if "title" in cells:
        values["title"] = check("title", _read_title)
    for column, read in (("level", valid_level), ("timezone", valid_timezone), ("roles", _read_roles)):
        if cells.get(column, "").strip():
            values[column] = check(column, read)
    if cells.get("working_hours", "").strip():
        hours = check("working_hours", _read_working_hours)
        if hours is not None:
            values["work_start"], values["work_end"] = hours
    if "start_date" in cells:
        values["start_date"] = check("start_date", _read_date)
    manager = None
    if "manager_email" in cells:
        manager = check("manager_email", lambda cell: valid_email(cell) if cell else "")
        if manager and manager == email:
            problems.append(RowProblem(number, "manager_email", "A person cannot be their own manager."))
    skills = {}
    for column, kind in SKILL_COLUMNS.items():
        if column in cells:
            skills[kind] = check(column, _read_skills)
    if email is None:
        return None, problems
    team = _clean(cells["team"]) if "team" in cells else None
    return PersonRow(number, email, values, team, manager, skills), problems


def _read_name(cell: str) -> str:
    name = _clean(cell)
    if not name:
        raise ValueError("A name is required.")
    if len(name) > 120:
        raise ValueError("A name is at most 120 characters.")
    return name


def _read_title(cell: str) -> str:
    if len(cell) > 120:
        raise ValueError("A title is at most 120 characters.")
    return cell


def _read_roles(cell: str) -> frozenset[Role]:
    return frozenset(parse_roles(cell.split(";")))


def _read_working_hours(cell: str):
    try:
        start, end = (datetime.strptime(part.strip(), "%H:%M").time() for part in cell.split("-"))
    except ValueError:
        raise ValueError(f"Write working hours as 09:00-17:00, not {cell!r}.") from None
    check_working_hours(start, end)
    return start, end


def _read_date(cell: str) -> date | None:
    if not cell:
        return None
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"Write the start date as YYYY-MM-DD, such as 2025-03-01, "
                         f"not {cell!r}.") from None


def _read_skills(cell: str) -> tuple[tuple[str, int], ...]:
    """Read "SQL:4;Python:3" as (name, level) pairs."""
    skills: dict[str, tuple[str, int]] = {}
    for item in (part.strip() for part in cell.split(";")):
        if not item:
            continue
        name, colon, level = item.rpartition(":")
        name = _clean(name)
        if not colon or not name:
            raise ValueError(f"Write each skill as name:level, such as SQL:4 (not {item!r}).")
        if len(name) > MAX_SKILL_NAME:
            raise ValueError(f"A skill name is at most {MAX_SKILL_NAME} characters.")
        if normalize_key(name) in skills:
            raise ValueError(f"{name} is listed twice.")
        skills[normalize_key(name)] = (name, valid_level(level, what=f"The level of {name}"))
    return tuple(skills.values())


# Checking rows against each other and against what is already known.

def check_rows(read: ReadFile, team_names: set[str], reporting: dict[str, str | None],
               skill_key: Callable[[str], str]) -> tuple[RowProblem, ...]:
    """Return every problem of the file: each row's own, unknown teams and managers, skills
    listed twice under two names, rows whose manager's row is bad, and reporting loops.

    `team_names` are the known teams in lower case, `reporting` maps everyone already known
    to their manager's email, `skill_key` gives the key of the skill a name stands for.
    """
    problems = list(read.problems)
    bad = {p.row for p in problems}
    for row in read.rows:
        if row.row in bad:
            continue
        if row.team and row.team.casefold() not in team_names:
            problems.append(RowProblem(row.row, "team", f"There is no team called {row.team}; "
                                                        "add it on the Teams page first."))
        for column, kind in SKILL_COLUMNS.items():
            seen: dict[str, str] = {}
            for name, _ in row.skills.get(kind) or ():
                key = skill_key(name)
                if key in seen:
                    problems.append(RowProblem(row.row, column, f"{seen[key]} and {name} are the "
                                                                "same skill; list it once."))
                seen.setdefault(key, name)
    row_of: dict[str, PersonRow] = {}
    for row in read.rows:
        row_of.setdefault(row.email, row)

    while True:
        bad = {p.row for p in problems}
        good = {r.email: r for r in read.rows if r.row not in bad}
        found = [_manager_problem(r, row_of, good, bad, reporting) for r in good.values()]
        found = [p for p in found if p is not None]
        if not found:
            lines = dict(reporting)
            lines.update({r.email: r.manager_email or None for r in good.values()
                          if r.manager_email is not None})
            found = [RowProblem(good[email].row, "manager_email",
                                "The reporting line would loop: " + " → ".join(chain) + ".")
                     for email, chain in _loops(lines).items() if email in good]
        if not found:
            return tuple(sorted(problems, key=lambda p: p.row))
        problems.extend(found)


def _manager_problem(row: PersonRow, row_of, good, bad, reporting) -> RowProblem | None:
    """Say why a row's manager cannot be linked (bad row, or nobody known), or None."""
    manager = row.manager_email
    if not manager:
        return None
    if manager in row_of and row_of[manager].row in bad:
        return RowProblem(row.row, "manager_email", f"The manager {manager} is on row "
                          f"{row_of[manager].row}, which is not imported; fix that row first.")
    if manager not in good and manager not in reporting:
        return RowProblem(row.row, "manager_email",
                          f"No one with the email {manager} is in Unstuck or in this file.")
    return None


def _loops(lines: dict[str, str | None]) -> dict[str, list[str]]:
    """Map each person whose reporting line comes back to them to that line, start to start."""
    looped: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in lines:
        path: list[str] = []
        at: dict[str, int] = {}
        person = start
        while person is not None and person not in done and person not in at:
            at[person] = len(path)
            path.append(person)
            person = lines.get(person)
        if person is not None and person in at:
            cycle = path[at[person]:]
            for i, member in enumerate(cycle):
                looped[member] = cycle[i:] + cycle[:i] + [member]
        done.update(path)
    return looped


# Writing, in one transaction.

def import_people_csv(text: str) -> ImportReport:
    """Create or update the people of every good row of CSV text, and report the bad rows.

    Nothing is written for a bad row; everything else is written in one transaction.
    Raises InvalidInput({"file": ...}) when the file as a whole cannot be read.
    """
    read = read_people_csv(text)
    problems = check_rows(read, _team_names(), _reporting_lines(), _skill_key)
    bad = {p.row for p in problems}
    good = [row for row in read.rows if row.row not in bad]
    try:
        created, updated, new_skills = _write(good)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportReport(created, updated, problems, new_skills, read.ignored_columns)


def decode_csv(data: bytes) -> str:
    """Return the text of an uploaded CSV file, or raise InvalidInput if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": "The file is not UTF-8 text; save it as CSV UTF-8 and "
                                    "upload it again."}) from None


def _team_names() -> set[str]:
    return {name.casefold() for name in db.session.scalars(sa.select(Team.name))}


def _reporting_lines() -> dict[str, str | None]:
    manager = aliased(User)
    query = sa.select(User.email, manager.email).outerjoin(manager, User.manager_id == manager.id)
    return {email: manager for email, manager in db.session.execute(query)}


def _skill_key(name: str) -> str:
    """Return the key of the skill a name stands for, existing or yet to be created."""
    skill = find_skill(name)
    return skill.key if skill is not None else normalize_key(name)


def _people_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Load the people with these emails (in chunks, to stay under parameter limits)."""
    emails, people = sorted(set(emails)), {}
    for start in range(0, len(emails), 500):
        chunk = emails[start:start + 500]
        found = db.session.scalars(sa.select(User).where(User.email.in_(chunk)))
        people.update((u.email, u) for u in found)
    return people


def _write(rows: list[PersonRow]) -> tuple[int, int, tuple[str, ...]]:
    """Create or update the people of good rows and the skills they name; flush, no commit.

    Returns how many people were created and updated, and the names of the new skills.
    """
    teams = {t.name.casefold(): t.id for t in db.session.scalars(sa.select(Team))}
    people = _people_by_email([r.email for r in rows]
                              + [r.manager_email for r in rows if r.manager_email])
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

    created = 0
    for row in rows:
        user = people.get(row.email)
        if user is None:
            user = people[row.email] = User(email=row.email, roles={Role.NEW_HIRE})
            db.session.add(user)
            created += 1
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
    return created, len(rows) - created, tuple(new_skills)


def _replace_skills(user: User, kind: SkillKind, wanted: dict[Skill, int]) -> None:
    """Make a person's skills of one kind exactly the wanted skills and levels."""
    for row in [r for r in user.skills if r.kind == kind]:
        if row.skill in wanted:
            row.level = wanted.pop(row.skill)
        else:
            user.skills.remove(row)
    user.skills.extend(UserSkill(skill=skill, kind=kind, level=level) for skill, level in wanted.items())
