"""People as SCIM Users: read them, and create, replace, patch and deactivate them for the
identity provider. Services: they flush, never commit (the request does, once).

- `userName` is the person's email address, kept lower case, and unique: a taken one is a
  409 (uniqueness). `externalId` is kept on the person, unique too.
- A person created here gets the role new hire; role groups (app/scim/groups.py) add theirs.
- `active: false` (by PUT or PATCH) and DELETE are the one leaver operation,
  `app.people.services.set_active`; `active: true` brings the person back. A deleted person
  stays in Unstuck, inactive, but is no User of the directory any more (404); creating them
  again (same userName) brings back the same person.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from scim2_models import (
    Email,
    InvalidValueException,
    Meta,
    NotFoundException,
    PatchOp,
    UniquenessException,
)
from scim2_models.resources.user import GroupMembership

from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.people.models import Role, User, normalize_email
from app.people.services import PersonDetails, create_person, details_of, set_active, update_person, valid_email
from app.scim import resources
from app.scim.models import ScimGroup, ScimGroupMember
from app.urls import external_url

NEW_PEOPLE_ROLES = frozenset({Role.NEW_HIRE})


def find_person(user_id: str) -> User:
    """The person a SCIM id names (erased people are gone); NotFoundException otherwise."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    if user is None or user.erased_at is not None or user.scim_deleted_at is not None:
        raise NotFoundException(detail="There is no such person.")
    return user


def user_location(user_id: int) -> str:
    return external_url("scim.user", user_id=str(user_id))


def as_resource(user: User) -> resources.User:
    """The person as a SCIM User."""
    groups = [
        GroupMembership(
            value=str(group.id), display=group.display_name, ref=external_url("scim.group", group_id=str(group.id))
        )
        for group in groups_of(user)
    ]
    return resources.User(
        id=str(user.id),
        external_id=user.external_id,
        user_name=user.email,
        display_name=user.name,
        title=user.title or None,
        active=user.active,
        emails=[Email(value=user.email, type="work", primary=True)],
        groups=groups or None,
        meta=Meta(resource_type="User", created=user.created_at, location=user_location(user.id)),
    )


def groups_of(user: User) -> list[ScimGroup]:
    """The SCIM groups the person is in: their team's, and the role groups that hold them."""
    in_role_groups = sa.select(ScimGroupMember.group_id).where(ScimGroupMember.user_id == user.id)
    query = sa.select(ScimGroup).where(ScimGroup.id.in_(in_role_groups))
    if user.team_id is not None:
        query = sa.select(ScimGroup).where(sa.or_(ScimGroup.id.in_(in_role_groups), ScimGroup.team_id == user.team_id))
    return list(db.session.scalars(query.order_by(ScimGroup.id)))


def people_page(attribute: str | None, value: str | None, start: int, count: int) -> tuple[int, list[User]]:
    """How many people the filter finds, and the page of them from `start` (0-based)."""
    query = sa.select(User).where(User.erased_at.is_(None), User.scim_deleted_at.is_(None))
    if attribute == "userName":
        query = query.where(User.email == normalize_email(value or ""))
    elif attribute == "externalId":
        query = query.where(User.external_id == value)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    people = list(db.session.scalars(query.order_by(User.id).offset(start).limit(count))) if count else []
    return total or 0, people


def create(resource: resources.User) -> User:
    """Add the person a SCIM User describes, as a new hire (inactive if it says so). A
    person the directory deleted before comes back: the same record, reactivated."""
    returning = db.session.scalar(
        sa.select(User).where(
            User.email == normalize_email(resource.user_name or ""),
            User.scim_deleted_at.is_not(None),
            User.erased_at.is_(None),
        )
    )
    if returning is not None:
        returning.scim_deleted_at = None
        return replace(returning, resource.model_copy(update={"active": resource.active is not False}))
    email = _checked_email(resource.user_name, None)
    _check_external_id(resource.external_id, None)
    try:
        user = create_person(
            PersonDetails(email=email, name=_name(resource), title=_title(resource), roles=NEW_PEOPLE_ROLES)
        )
    except InvalidInput as exc:
        raise _invalid(exc) from None
    user.external_id = resource.external_id
    if resource.active is False:
        user.active = False  # nobody to sign out yet: only the flag
    db.session.flush()
    _after_create(user)
    return user


def _after_create(user: User) -> None:
    """The call point for what follows adding a person by directory sync: with
    SCIM_SEND_INVITATIONS on, an active person is invited by
    `app.people.invitations.invite(user.id, None)` (the directory invites them, not an
    admin), in this transaction, so the mail goes only once it commits."""
    if current_app.config.get("SCIM_SEND_INVITATIONS") and user.active:
        pass  # the invitation is sent from here


def replace(user: User, resource: resources.User) -> User:
    """Make the person what the SCIM User says: email, name, title, externalId, active."""
    email = _checked_email(resource.user_name, user.id)
    _check_external_id(resource.external_id, user.id)
    details = details_of(user) | {"email": email, "name": _name(resource), "title": _title(resource)}
    try:
        update_person(user.id, PersonDetails(**details))
    except InvalidInput as exc:
        raise _invalid(exc) from None
    user.external_id = resource.external_id
    if resource.active is not None and resource.active != user.active:
        set_active(user.id, resource.active, None)
    db.session.flush()
    return user


def patch(user: User, operations: PatchOp[Any]) -> User:
    """Apply a PatchOp to the person (scim2-models applies it to the User; the result is
    then saved as a replacement)."""
    current = as_resource(user)
    operations.patch(current, scim_policy=resources.POLICY)
    if current.active is None:
        raise InvalidValueException(detail="A person is active or not; 'active' cannot be removed.")
    return replace(user, current)


def delete(user: User) -> None:
    """DELETE: the person leaves (the leaver operation); their record stays, inactive, and is
    no longer one of the directory's Users (until it creates them again)."""
    if user.active:
        set_active(user.id, False, None)
    user.scim_deleted_at = utcnow()
    db.session.flush()


def _checked_email(user_name: str | None, user_id: int | None) -> str:
    try:
        email = valid_email(user_name or "")
    except ValueError as exc:
        raise InvalidValueException(detail=f"userName must be the person's email address. {exc}") from None
    clash = db.session.scalar(sa.select(User.id).where(User.email == email))
    if clash is not None and clash != user_id:
        raise UniquenessException(detail=f"Someone already uses {email}.")
    return email


def _check_external_id(external_id: str | None, user_id: int | None) -> None:
    if external_id is None:
        return
    if len(external_id) > 255:
        raise InvalidValueException(detail="externalId is at most 255 characters.")
    clash = db.session.scalar(sa.select(User.id).where(User.external_id == external_id))
    if clash is not None and clash != user_id:
        raise UniquenessException(detail="Another person has this externalId.")


def _name(resource: resources.User) -> str:
    return " ".join((resource.display_name or "").split())


def _title(resource: resources.User) -> str:
    title = " ".join((resource.title or "").split())
    if len(title) > 120:
        raise InvalidValueException(detail="title is at most 120 characters.")
    return title


def _invalid(exc: InvalidInput) -> InvalidValueException:
    """A service's refusal, as SCIM says it: 400 invalidValue with every reason."""
    return InvalidValueException(detail=" ".join(exc.fields.values()) or exc.message)
