"""A person's data on request: everything Unstuck holds about a person as one JSON document,
and erasing a person.

Each part of Unstuck that keeps rows naming people registers a section once, at start-up,
so the kernel never needs to know the features:

    register_personal_data(app, "help", covers={"questions.asker_id", ...},
                           export=export_help, erase=erase_help)

- `export(user_id)` returns the section's rows that name the person, by table:
  `{"questions": [{"id": 4, "goal": ...}, ...]}`, every value plain JSON (`rows` makes them).
  Secrets stay out (hashes, tokens, reply-address keys), and so does what the person may not
  see about others (who declined them, who rated their question).
- `erase(user_id, remove_texts)` works in the caller's transaction: it drops what was the
  person's alone (settings, secrets, rules about them) and, with `remove_texts`, replaces
  what they wrote with REMOVED. Rows that figures count stay, so a team's figures do not
  move; the person's own row stays too, nameless, and every foreign key still holds.
- `covers` names each foreign key to `users` the section answers for ("table.column"); a
  test checks that the sections together cover every such key of the schema.

`export_person` and `erase_person` run every section. Each run is recorded (a
PersonalDataRequest, shown on the person's admin page) and logged on this module's logger
at WARNING, so the line is kept even where logging is not set up: who, whose (by id only:
the log outlives an erasure), when, and how.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import Flask, current_app

from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.people.models import PersonalDataRequest, Role, User, UserRole
from app.people.services import set_active

log = logging.getLogger(__name__)

# What stands where someone's words were removed (ERASURE_TEXTS=remove).
REMOVED = "(removed)"
# Addresses of erased people: unique, and in a domain that can never receive mail (RFC 2606).
ERASED_DOMAIN = "erased.invalid"
TEXT_CHOICES = ("keep", "remove")
EXPORT, ERASURE = "export", "erasure"


@dataclass(frozen=True)
class Section:
    """One part of Unstuck's records about people: what it covers, how it exports and erases."""

    name: str
    covers: frozenset[str]
    export: Callable[[int], dict[str, list[dict]]]
    erase: Callable[[int, bool], None]


def register_personal_data(
    app: Flask,
    name: str,
    *,
    covers: Iterable[str],
    export: Callable[[int], dict[str, list[dict]]],
    erase: Callable[[int, bool], None],
) -> None:
    """Add a section to every export and erasure of a person's data."""
    if app.config.get("ERASURE_TEXTS", "keep") not in TEXT_CHOICES:
        raise ValueError(f"ERASURE_TEXTS must be one of {', '.join(TEXT_CHOICES)}, not {app.config['ERASURE_TEXTS']!r}")
    app.extensions.setdefault("personal_data", {})[name] = Section(name, frozenset(covers), export, erase)


def sections() -> list[Section]:
    """The registered sections, in the order they were registered."""
    return list(current_app.extensions.get("personal_data", {}).values())


# Rows as plain JSON


def plain(value):
    """A column's value as JSON can hold it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def row_data(row, omit: Iterable[str] = ()) -> dict:
    """A model row as a dict of its columns, but those in `omit`."""
    left_out = set(omit)
    return {
        attr.key: plain(getattr(row, attr.key))
        for attr in sa.inspect(row).mapper.column_attrs
        if attr.key not in left_out
    }


def rows(model, *where, omit: Iterable[str] = ()) -> list[dict]:
    """The rows of a model that match, by primary key, each as `row_data`."""
    order = sa.inspect(model).primary_key
    return [row_data(row, omit) for row in db.session.scalars(sa.select(model).where(*where).order_by(*order))]


# Who an erased person becomes


def former_name(user_id: int) -> str:
    return f"Former member {user_id}"


def erased_email(user_id: int) -> str:
    return f"former-member-{user_id}@{ERASED_DOMAIN}"


def is_erased_address(email: str) -> bool:
    """Whether an address is an erased person's, which no mail may be sent to."""
    return (email or "").strip().lower().endswith("@" + ERASED_DOMAIN)


def texts_removed() -> bool:
    """Whether erasing removes what the person wrote (ERASURE_TEXTS=remove) or keeps it."""
    return current_app.config.get("ERASURE_TEXTS", "keep") == "remove"


# Export


def export_person(user_id: int, by_id: int | None, via: str) -> dict:
    """Everything Unstuck holds about a person, as one JSON-able document; recorded and
    logged as it is made. LookupError when there is no such person.

    The caller has checked that `by_id` is an admin (None: the command line), and commits."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    _record(EXPORT, user_id, by_id, via)
    return {
        "person_id": user.id,
        "name": user.name,
        "exported_at": plain(utcnow()),
        "sections": {section.name: section.export(user_id) for section in sections()},
    }


def export_file_name(user_id: int) -> str:
    return f"unstuck-person-{user_id}-{utcnow():%Y-%m-%d}.json"


# Erasure


def confirms(user: User, typed: str | None) -> bool:
    """Whether what an admin typed to confirm an erasure is the person's email or full name."""
    typed = " ".join((typed or "").split()).casefold()
    return bool(typed) and typed in {user.email.casefold(), " ".join(user.name.split()).casefold()}


def erase_person(user_id: int, by_id: int | None, via: str) -> User:
    """Erase a person: every section erases its part, their name becomes "Former member
    <id>", their address one that receives no mail, and they are deactivated: if they were
    still active, that is a leaver's deactivation (app.people.leavers: sign-ins end, their
    questions move on, their mentorships end, they leave their sessions). Erasing an erased
    person again does no harm.

    Raises InvalidInput (nothing changed) for an admin erasing themselves and for the last
    active admin, LookupError when there is no such person. The deactivation commits."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    if user_id == by_id:
        _refuse("You cannot erase yourself; another admin can.")
    if user.has_role(Role.ADMIN) and user.active and not _other_admins(user_id):
        _refuse(
            f"{user.name} is the last active admin. Make someone else an admin first, "
            "so that somebody can still run Unstuck."
        )
    remove = texts_removed()
    for section in sections():
        section.erase(user_id, remove)
    user.name, user.email = former_name(user_id), erased_email(user_id)
    user.erased_at = user.erased_at or utcnow()
    _record(ERASURE, user_id, by_id, via, "texts removed" if remove else "texts kept")
    set_active(user_id, False, acting_user_id=by_id)
    return user


def _other_admins(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True), User.erased_at.is_(None), User.id != user_id)
    )


def _refuse(message: str):
    raise InvalidInput({"person": message}, message)


def _record(kind: str, user_id: int, by_id: int | None, via: str, detail: str = "") -> None:
    by = db.session.get(User, by_id) if by_id is not None else None
    db.session.add(PersonalDataRequest(kind=kind, subject_id=user_id, by_id=by_id, via=via, detail=detail))
    log.warning(
        "personal data %s: person %s by %s via %s at %s%s",
        kind,
        user_id,
        f"user {by.id} <{by.email}>" if by else "the command line",
        via,
        utcnow().isoformat(timespec="seconds"),
        f", {detail}" if detail else "",
    )


def requests_about(user_id: int) -> list[PersonalDataRequest]:
    """The downloads and erasures of a person's data, newest first."""
    return list(
        db.session.scalars(
            sa.select(PersonalDataRequest)
            .where(PersonalDataRequest.subject_id == user_id)
            .order_by(PersonalDataRequest.at.desc(), PersonalDataRequest.id.desc())
        )
    )
