"""Reading a CSV file of people into plain values and checking its rows, without the database.

The first row names the columns. `email` and `name` are required; `team`, `roles`,
`title`, `level`, `timezone`, `manager_email`, `can_teach`, `wants_to_learn`,
`working_hours` ("09:00-17:00") and `start_date` (YYYY-MM-DD) are optional. A column left
out of the file leaves that detail as it is. In a column that is there, an empty cell clears
the team, title, manager, start date or skills of that kind; an empty roles, level, time
zone or working hours cell keeps the current value (or the default for a new person).
Roles and skills are separated by ";", and skills are written "name:level", e.g.
"SQL:4;Python:3". Row numbers count the header as row 1, as a spreadsheet does.

Every row is checked in full, whatever else is wrong with it, so one pass reports every
problem of every row, each naming its column. A skill not in the catalogue (by name or
alias, in any case) is a problem unless the import may create new skills.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.errors import InvalidInput
from app.people.models import Role, SkillKind, normalize_key
from app.people.services import (
    check_working_hours,
    parse_roles,
    valid_email,
    valid_level,
    valid_timezone,
)
from app.people.skills import MAX_SKILL_NAME

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = (
    "team",
    "roles",
    "title",
    "level",
    "timezone",
    "manager_email",
    "can_teach",
    "wants_to_learn",
    "working_hours",
    "start_date",
)
SKILL_COLUMNS = {"can_teach": SkillKind.TEACH, "wants_to_learn": SkillKind.LEARN}


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file was not imported: its row number, the column and the reason."""

    row: int
    column: str
    reason: str


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


# Reading


def decode_csv(data: bytes) -> str:
    """Return the text of an uploaded CSV file, or raise InvalidInput if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput({"file": "The file is not UTF-8 text; save it as CSV UTF-8 and upload it again."}) from None


def _records(text: str) -> list[list[str]]:
    """Split CSV text into rows of cells; raise InvalidInput saying where it cannot be read.

    The reader is strict: a lenient one reads a quote that is never closed as one cell holding
    the rest of the file, and then that whole rest would go missing without a word.
    """
    if "\x00" in text:  # no column can keep one (PostgreSQL refuses it), and nobody types one
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InvalidInput(
            {
                "file": f"Line {line} holds a NUL character (\\0), which Unstuck cannot keep; "
                "remove it and import the file again. Nothing was imported."
            }
        )
    records: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text), strict=True):
            records.append(cells)
    except csv.Error as exc:
        row = len(records) + 1
        if str(exc) == "unexpected end of data":
            message = (
                f'Row {row} opens a quote (") that is never closed, so the rest of the file '
                "would be read as one cell. Close or remove that quote and import the file "
                "again; nothing was imported."
            )
        elif str(exc).startswith("field larger than field limit"):
            message = (
                f"Row {row} has a cell longer than {csv.field_size_limit():,} characters, which no column "
                "holds; is it the right file? Nothing was imported."
            )
        else:
            message = f"This is not a CSV file Unstuck can read (row {row}: {exc}); nothing was imported."
        raise InvalidInput({"file": message}) from None
    return records


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
    records = _records(text)
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput({"file": "The file is empty; its first row should name the columns."})
    columns = [_column_name(h) for h in records[0]]
    _check_header(records[0], columns)
    if not any(any(cell.strip() for cell in cells) for cells in records[1:]):
        raise InvalidInput({"file": "The file names the columns but has no people under them."})
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    ignored = tuple(c for c in columns if c and c not in known)

    rows: list[PersonRow] = []
    problems: list[RowProblem] = []
    first_row_of: dict[str, int] = {}
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            problems.append(
                RowProblem(
                    number,
                    "",
                    f"This row has {len(cells)} cells but the first row names {len(columns)} columns; "
                    "put a cell that holds a comma in double quotes.",
                )
            )
        padded = (cells + [""] * len(columns))[: len(columns)]
        row, row_problems = _read_row(number, dict(zip(columns, padded, strict=True)))
        if row.email in first_row_of:
            row_problems.append(
                RowProblem(
                    number, "email", f"{row.email} is also on row {first_row_of[row.email]}; list each person once."
                )
            )
        elif row.email:
            first_row_of[row.email] = number
        rows.append(row)
        problems.extend(row_problems)
    return ReadFile(tuple(rows), tuple(problems), ignored)


def _check_header(headers: list[str], columns: list[str]) -> None:
    """Raise InvalidInput naming everything wrong with the first row at once."""
    wrong: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        wrong.append("The first row must name the columns, including " + " and ".join(missing) + ".")
        if any("@" in header for header in headers):
            wrong.append("It looks like a person rather than column names: add a first row such as email,name.")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if len(repeated) == 1:
        wrong.append(f"The column {repeated[0]} appears twice.")
    elif repeated:
        wrong.append(f"The columns {', '.join(repeated)} appear twice.")
    if wrong:
        raise InvalidInput({"file": " ".join(wrong)})


def _read_row(number: int, cells: dict[str, str]) -> tuple[PersonRow, list[RowProblem]]:
    """Read one row's cells and find every problem of each cell; the email is "" if it cannot
    be read."""
    problems: list[RowProblem] = []

    def check(column: str, read: Callable[[str], object]):
        try:
            return read(cells[column].strip())
        except ValueError as exc:
            problems.append(RowProblem(number, column, str(exc)))
            return None

    email = check("email", valid_email) or ""
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
            skills[kind], wrong = _read_skills(cells[column])
            problems.extend(RowProblem(number, column, reason) for reason in wrong)
    team = _clean(cells["team"]) if "team" in cells else None
    return PersonRow(number, email, values, team, manager, skills), problems


def _read_name(cell: str) -> str:
    """Read a required name of at most 120 characters."""
    name = _clean(cell)
    if not name:
        raise ValueError("A name is required.")
    if len(name) > 120:
        raise ValueError("A name is at most 120 characters.")
    return name


def _read_title(cell: str) -> str:
    """Read a title of at most 120 characters."""
    if len(cell) > 120:
        raise ValueError("A title is at most 120 characters.")
    return cell


def _read_roles(cell: str) -> frozenset[Role]:
    """Read roles separated by ";", naming every one that is not a role."""
    roles: set[Role] = set()
    wrong: list[str] = []
    for part in cell.split(";"):
        try:
            roles |= parse_roles([part])
        except ValueError:
            wrong.append(repr(part.strip()))
    if wrong:
        these = f"{wrong[0]} is not a role" if len(wrong) == 1 else ", ".join(wrong) + " are not roles"
        raise ValueError(f"{these} (new hire, mentor, team lead, admin).")
    return frozenset(roles)


def _read_working_hours(cell: str):
    """Read "09:00-17:00" as the start and end of the working day."""
    try:
        start, end = (datetime.strptime(part.strip(), "%H:%M").time() for part in cell.split("-"))
    except ValueError:
        raise ValueError(f"Write working hours as 09:00-17:00, not {cell!r}.") from None
    check_working_hours(start, end)
    return start, end


def _read_date(cell: str) -> date | None:
    """Read a start date written YYYY-MM-DD; an empty cell is no date."""
    if not cell:
        return None
    try:
        return datetime.strptime(cell, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"Write the start date as YYYY-MM-DD, such as 2025-03-01, not {cell!r}.") from None


def _read_skills(cell: str) -> tuple[tuple[tuple[str, int], ...], list[str]]:
    """Read "SQL:4;Python:3" as (name, level) pairs, and say what is wrong with each other item."""
    skills: dict[str, tuple[str, int]] = {}
    wrong: list[str] = []
    for item in (part.strip() for part in cell.split(";")):
        if not item:
            continue
        name, colon, level = item.rpartition(":")
        name = _clean(name)
        try:
            if not colon or not name:
                raise ValueError(f"Write each skill as name:level, such as SQL:4 (not {item!r}).")
            if len(name) > MAX_SKILL_NAME:
                raise ValueError(f"A skill name is at most {MAX_SKILL_NAME} characters (not {name[:20]!r}…).")
            if normalize_key(name) in skills:
                raise ValueError(f"{name} is listed twice.")
            skills[normalize_key(name)] = (name, valid_level(level, what=f"The level of {name}"))
        except ValueError as exc:
            wrong.append(str(exc))
    return tuple(skills.values()), wrong
