"""Checking the rows of a CSV file of people against each other and against what Unstuck
already knows (teams, skills, reporting lines), given as plain values: no database.

Every row is checked whatever else is wrong with it, so one pass finds every problem.
"""

from __future__ import annotations

from collections.abc import Callable

from app.people.csv_rows import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, SKILL_COLUMNS, PersonRow, ReadFile, RowProblem
from app.people.models import normalize_key


def check_rows(
    read: ReadFile,
    team_names: set[str],
    reporting: dict[str, str | None],
    skill_key: Callable[[str], str | None],
    create_skills: bool = False,
    how_to_add_skills: str = "add it on the Skills page first",
) -> tuple[RowProblem, ...]:
    """Return every problem of the file, by row and column: each row's own, unknown teams,
    skills and managers, skills listed twice under two names, and reporting loops.

    `team_names` are the known teams in lower case, `reporting` maps everyone already known
    to their manager's email, `skill_key` gives the key of the known skill a name stands for
    (None for none). An unknown skill is a problem unless `create_skills`; its reason ends
    with `how_to_add_skills`.
    """
    problems = list(read.problems)
    for row in read.rows:
        if row.team and row.team.casefold() not in team_names:
            problems.append(
                RowProblem(row.row, "team", f"There is no team called {row.team}; add it on the Teams page first.")
            )
        for column, kind in SKILL_COLUMNS.items():
            seen: dict[str, str] = {}
            for name, _ in row.skills.get(kind) or ():
                key = skill_key(name)
                if key is None and not create_skills:
                    problems.append(RowProblem(row.row, column, f"Unknown skill '{name}' — {how_to_add_skills}."))
                key = key or normalize_key(name)
                if key in seen:
                    problems.append(
                        RowProblem(row.row, column, f"{seen[key]} and {name} are the same skill; list it once.")
                    )
                seen.setdefault(key, name)
    problems.extend(_manager_problems(read.rows, reporting))
    order = {column: n for n, column in enumerate(("", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))}
    return tuple(sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order)))))


def _manager_problems(rows: tuple[PersonRow, ...], reporting: dict[str, str | None]) -> list[RowProblem]:
    """Say which rows name a manager nobody knows, or a manager whose line comes back to them.

    A manager may be anywhere in the file, before or after the row, whatever else that row's
    problems are: once the file is fixed, the whole of it is imported together.
    """
    first: dict[str, PersonRow] = {}
    for row in rows:
        if row.email:
            first.setdefault(row.email, row)
    problems = [
        RowProblem(
            row.row, "manager_email", f"No one with the email {row.manager_email} is in Unstuck or in this file."
        )
        for row in rows
        if row.manager_email and row.manager_email not in first and row.manager_email not in reporting
    ]
    lines = dict(reporting)
    lines.update(
        {
            email: row.manager_email or None
            for email, row in first.items()
            if row.manager_email is not None and row.manager_email != email  # one's own manager is said already
        }
    )
    problems += [
        RowProblem(first[email].row, "manager_email", "The reporting line would loop: " + " → ".join(chain) + ".")
        for email, chain in _loops(lines).items()
        if email in first
    ]
    return problems


def _loops(lines: dict[str, str | None]) -> dict[str, list[str]]:
    """Map each person whose reporting line comes back to them to that line, start to start."""
    looped: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in lines:
        path: list[str] = []
        at: dict[str, int] = {}
        person: str | None = start
        while person is not None and person not in done and person not in at:
            at[person] = len(path)
            path.append(person)
            person = lines.get(person)
        if person is not None and person in at:
            cycle = path[at[person] :]
            for i, member in enumerate(cycle):
                looped[member] = cycle[i:] + cycle[:i] + [member]
        done.update(path)
    return looped
