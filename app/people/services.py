"""Creating and changing people and teams. Services take plain values; the request, job or
command that calls them commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from email_validator import EmailNotValidError
from email_validator import validate_email as check_email_syntax

from app.auth.passwords import new_password_problem, set_password
from app.database import row_to_save
from app.errors import InvalidInput
from app.extensions import db
from app.people.leavers import come_back, leave
from app.people.models import Role, Team, User, normalize_email
from app.people.seniority import SENIORITY_LEVELS
from app.people.working_days import read_work_settings

MOST_AT_ONCE = 50  # the most mentees, and the most open questions, one person takes at once
AT_ONCE_RANGE = f"Choose a number from 0 to {MOST_AT_ONCE}."


# An erased person (app.people.personal_data) stays a nameless row that nothing changes.
ERASED = "This person's data was erased; they cannot be changed or reactivated."


def valid_email(email: str) -> str:
    """Return the stored form of an email address, or raise ValueError saying why it is wrong."""
    email = (email or "").strip()
    if not email:
        raise ValueError("An email address is required.")
    try:
        check_email_syntax(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"{email!r} is not a valid email address: {exc}") from None
    return normalize_email(email)


def valid_timezone(name: str) -> str:
    """Return an IANA time zone name, or raise ValueError."""
    name = (name or "").strip()
    if name not in available_timezones():
        raise ValueError(f"{name!r} is not a known time zone (use a name such as Europe/Berlin).")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known time zone.") from None
    return name


def valid_level(value, what: str = "Level") -> int:
    """Return a level from 1 to 5, or raise ValueError."""
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a whole number from 1 to 5, not {value!r}.") from None
    if level not in SENIORITY_LEVELS:
        raise ValueError(f"{what} must be from 1 to 5, not {level}.")
    return level


def at_once_allowed(value: int) -> bool:
    """Tell whether a number of mentees, or of open questions, a person takes at once is one
    Unstuck keeps (the same range on every form and in the API)."""
    return 0 <= value <= MOST_AT_ONCE


def parse_roles(values) -> set[Role]:
    """Read roles written as 'new hire', 'new_hire', 'mentor', 'team lead', 'lead' or 'admin'."""
    aliases = {
        "new hire": Role.NEW_HIRE,
        "newhire": Role.NEW_HIRE,
        "team lead": Role.LEAD,
        "teamlead": Role.LEAD,
        "manager": Role.LEAD,
    }
    roles: set[Role] = set()
    for raw in values:
        key = " ".join(str(raw).replace("_", " ").replace("-", " ").split()).lower()
        if not key:
            continue
        role = aliases.get(key) or next((r for r in Role if r.value.replace("_", " ") == key), None)
        if role is None:
            raise ValueError(f"{raw!r} is not a role (new hire, mentor, team lead, admin).")
        roles.add(role)
    return roles


def check_working_hours(start: time, end: time) -> None:
    """Raise ValueError unless the working day starts before it ends."""
    if start >= end:
        raise ValueError("Working hours must start before they end.")


def check_away(away_from: date | None, away_until: date | None) -> None:
    """Raise ValueError if an absence ends before it starts."""
    if away_from and away_until and away_until < away_from:
        raise ValueError("The end of an absence cannot be before its start.")


@dataclass(frozen=True)
class PersonDetails:
    """Everything an admin sets about a person."""

    email: str
    name: str
    roles: frozenset[Role] = frozenset({Role.NEW_HIRE})
    team_id: int | None = None
    title: str = ""
    level: int = 1
    timezone: str = "UTC"
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    start_date: date | None = None
    manager_id: int | None = None
    max_mentees: int = 2
    max_open_questions: int = 5
    away_from: date | None = None
    away_until: date | None = None
    password: str | None = field(default=None, repr=False)


def _check_person(details: PersonDetails, user_id: int | None, acting_user_id: int | None = None) -> dict[str, str]:
    """Map each field of the details that is wrong to what is wrong with it."""
    errors: dict[str, str] = {}
    try:
        email = valid_email(details.email)
        clash = db.session.scalar(sa.select(User.id).where(User.email == email))
        if clash is not None and clash != user_id:
            errors["email"] = f"Someone already uses {email}."
    except ValueError as exc:
        errors["email"] = str(exc)
    if not details.name.strip():
        errors["name"] = "A name is required."
    elif len(details.name) > 120:
        errors["name"] = "A name is at most 120 characters."
    try:
        valid_timezone(details.timezone)
    except ValueError as exc:
        errors["timezone"] = str(exc)
    try:
        valid_level(details.level)
    except ValueError as exc:
        errors["level"] = str(exc)
    try:
        check_working_hours(details.work_start, details.work_end)
    except ValueError as exc:
        errors["work_end"] = str(exc)
    try:
        check_away(details.away_from, details.away_until)
    except ValueError as exc:
        errors["away_until"] = str(exc)
    if user_id is not None and user_id == acting_user_id and Role.ADMIN not in details.roles:
        if db.session.get(User, user_id).has_role(Role.ADMIN):
            errors["roles"] = "You cannot remove your own admin role; another admin can, so that nobody is locked out."
    if details.team_id is not None and db.session.get(Team, details.team_id) is None:
        errors["team_id"] = "There is no such team."
    if details.manager_id is not None:
        if details.manager_id == user_id:
            errors["manager_id"] = "A person cannot be their own manager."
        elif db.session.get(User, details.manager_id) is None:
            errors["manager_id"] = "There is no such person."
        elif user_id is not None and user_id in reporting_line(details.manager_id):
            errors["manager_id"] = "That manager reports to this person; the reporting line would loop."
    for name in ("max_mentees", "max_open_questions"):
        if not at_once_allowed(getattr(details, name)):
            errors[name] = AT_ONCE_RANGE
    if details.password and (problem := new_password_problem(details.password, details.email, details.name)):
        errors["password"] = problem
    return errors


def change_password(user_id: int, password: str, keep_sign_in_id: int | None = None) -> None:
    """Give a person a new password and end their sign-ins but `keep_sign_in_id` (the one
    they changed it from, if they did), in the caller's transaction. Raises InvalidInput for
    a password the policy refuses (app/auth/password_policy.py), LookupError when there is
    no such person."""
    set_password(user_id, password, keep_sign_in_id=keep_sign_in_id)


def managers_by_person() -> dict[int, int | None]:
    """Everyone's manager id, to walk reporting lines without a query per step."""
    return dict(db.session.execute(sa.select(User.id, User.manager_id)).all())


def reporting_line(user_id: int, managers: dict[int, int | None] | None = None) -> list[int]:
    """Return the ids of a person's manager, their manager, and so on up (loops stop)."""
    managers = managers_by_person() if managers is None else managers
    line: list[int] = []
    current = managers.get(user_id)
    while current is not None and current not in line and current != user_id:
        line.append(current)
        current = managers.get(current)
    return line


def _apply(user: User, details: PersonDetails) -> None:
    """Copy checked details onto a person."""
    user.email = normalize_email(details.email)
    user.name = details.name.strip()
    user.roles = details.roles
    user.team_id = details.team_id
    user.title = details.title.strip()
    user.level = int(details.level)
    user.timezone = details.timezone.strip()
    user.work_start = details.work_start
    user.work_end = details.work_end
    user.start_date = details.start_date
    user.manager_id = details.manager_id
    user.max_mentees = details.max_mentees
    user.max_open_questions = details.max_open_questions
    user.away_from, user.away_until = details.away_from, details.away_until
    if details.password and user.id is not None:
        change_password(user.id, details.password)
    elif details.password:
        user.set_password(details.password)


def create_person(details: PersonDetails) -> User:
    """Add a person; raise InvalidInput (nothing saved) if any detail is wrong."""
    errors = _check_person(details, None)
    if errors:
        raise InvalidInput(errors)
    user = User()
    _apply(user, details)
    db.session.add(user)
    db.session.flush()
    return user


def update_person(user_id: int, details: PersonDetails, acting_user_id: int | None = None) -> User:
    """Change a person's details; raise InvalidInput (nothing changed) if any is wrong.

    `acting_user_id` is the admin making the change, who may not take away their own admin role.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    if user.erased_at is not None:
        raise InvalidInput({"person": ERASED}, ERASED)
    errors = _check_person(details, user_id, acting_user_id)
    if errors:
        raise InvalidInput(errors)
    _apply(user, details)
    db.session.flush()
    return user


def details_of(user: User) -> dict:
    """Return a person's current details as the keyword arguments of PersonDetails."""
    return dict(
        email=user.email,
        name=user.name,
        roles=frozenset(user.roles),
        team_id=user.team_id,
        title=user.title,
        level=user.level,
        timezone=user.timezone,
        work_start=user.work_start,
        work_end=user.work_end,
        start_date=user.start_date,
        manager_id=user.manager_id,
        max_mentees=user.max_mentees,
        max_open_questions=user.max_open_questions,
        away_from=user.away_from,
        away_until=user.away_until,
    )


def set_active(user_id: int, active: bool, acting_user_id: int | None = None) -> User:
    """Let a person sign in and use the API again, or deactivate them: the one entry point
    for the admin's page, the API and directory sync (`acting_user_id` None).

    Deactivating a leaver does everything `app.people.leavers` lists (sign-ins and tokens
    end, questions move on, mentorships end, sessions are left); reactivated, they sign in
    afresh and make new tokens, and nothing that moved on comes back. Setting the state a
    person already has does nothing, so running it twice sends nothing more.

    Raises InvalidInput (nothing changed) when the acting admin would deactivate themselves
    or an erased person would come back, and LookupError when there is no such person.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    if not active and user_id == acting_user_id:
        message = "You cannot deactivate yourself."
        raise InvalidInput({"active": message}, message)
    if active and user.erased_at is not None:
        raise InvalidInput({"active": ERASED}, ERASED)
    if active:
        come_back(user_id)
    else:
        leave(user_id)
    return user


@dataclass(frozen=True)
class ProfileChanges:
    """What a person may change about themselves."""

    timezone: str
    work_start: time
    work_end: time
    away_from: date | None = None
    away_until: date | None = None
    max_mentees: int | None = None
    max_open_questions: int | None = None
    # Left as they are when not given.
    work_days: list[int] | None = None
    holiday_country: str | None = None
    holiday_region: str | None = None


def update_profile(user_id: int, changes: ProfileChanges) -> User:
    """Save a person's own time zone, hours, working days, public holidays, availability and
    mentor limits."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    errors: dict[str, str] = {}
    for name, check in (
        ("timezone", lambda: valid_timezone(changes.timezone)),
        ("work_end", lambda: check_working_hours(changes.work_start, changes.work_end)),
        ("away_until", lambda: check_away(changes.away_from, changes.away_until)),
    ):
        try:
            check()
        except ValueError as exc:
            errors[name] = str(exc)
    work_settings = read_work_settings(changes.work_days, changes.holiday_country, changes.holiday_region, errors)
    for name in ("max_mentees", "max_open_questions"):
        value = getattr(changes, name)
        if value is not None and not at_once_allowed(value):
            errors[name] = AT_ONCE_RANGE
    if errors:
        raise InvalidInput(errors)
    user.timezone = changes.timezone.strip()
    user.work_start, user.work_end = changes.work_start, changes.work_end
    user.away_from, user.away_until = changes.away_from, changes.away_until
    for name, value in work_settings.items():
        setattr(user, name, value)
    if user.has_role(Role.MENTOR):
        if changes.max_mentees is not None:
            user.max_mentees = changes.max_mentees
        if changes.max_open_questions is not None:
            user.max_open_questions = changes.max_open_questions
    db.session.flush()
    return user


def save_team(name: str, lead_id: int | None, team_id: int | None = None) -> Team:
    """Create a team, or rename it and change its lead; raise InvalidInput if wrong."""
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "A team needs a name."
    elif len(name) > 80:
        errors["name"] = "A team name is at most 80 characters."
    else:
        clash = db.session.scalar(sa.select(Team.id).where(sa.func.lower(Team.name) == name.lower()))
        if clash is not None and clash != team_id:
            errors["name"] = f"There is already a team called {name}."
    if lead_id is not None and db.session.get(User, lead_id) is None:
        errors["lead_id"] = "There is no such person."
    if errors:
        raise InvalidInput(errors)
    team = row_to_save(Team, team_id, "There is no such team.")
    team.name = name
    team.lead_id = lead_id
    if lead_id is not None:
        lead = db.session.get(User, lead_id)
        lead.roles = lead.roles | {Role.LEAD}
    db.session.flush()
    return team
