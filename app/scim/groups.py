"""The identity provider's groups as teams and roles. Services: they flush, never commit.

A group whose name GROUP_ROLES maps to a role (app/people/groups.py) gives that role: joining
it adds the role, leaving it takes the role away (unless another group giving the same role
still holds the person). Any other group is a team: the team of that name, made when there
is none (an existing team keeps its people, and the members sent join them); joining it
moves the person into the team, leaving it takes them out. A group's
kind is fixed when it is made; renaming a team's group renames the team.

Deleting a group takes its people out of the team, or takes the role from them; the team
itself stays, with its history.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from scim2_models import InvalidValueException, Meta, NotFoundException, PatchOp, UniquenessException

from app.errors import InvalidInput
from app.extensions import db, utcnow
from app.people.groups import group_key
from app.people.models import Team, User
from app.people.services import save_team
from app.scim import resources
from app.scim.models import ScimGroup, ScimGroupMember
from app.scim.people import user_location
from app.sso.settings import group_roles
from app.urls import external_url


def find_group(group_id: str) -> ScimGroup:
    """The group a SCIM id names; NotFoundException otherwise."""
    group = db.session.get(ScimGroup, int(group_id)) if group_id.isdigit() and len(group_id) < 10 else None
    if group is None:
        raise NotFoundException(detail="There is no such group.")
    return group


def member_ids(group: ScimGroup) -> list[int]:
    """The ids of the people in the group, in order."""
    if group.team_id is not None:
        query = sa.select(User.id).where(User.team_id == group.team_id, User.erased_at.is_(None))
    else:
        query = sa.select(ScimGroupMember.user_id).where(ScimGroupMember.group_id == group.id)
    return sorted(db.session.scalars(query))


def as_resource(group: ScimGroup) -> resources.Group:
    """The group as a SCIM Group."""
    members = [resources.Member(value=str(i), ref=user_location(i), type="User") for i in member_ids(group)]
    return resources.Group(
        id=str(group.id),
        external_id=group.external_id,
        display_name=group.display_name,
        members=members or None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            location=external_url("scim.group", group_id=str(group.id)),
        ),
    )


def groups_page(attribute: str | None, value: str | None, start: int, count: int) -> tuple[int, list[ScimGroup]]:
    """How many groups the filter finds, and the page of them from `start` (0-based)."""
    query = sa.select(ScimGroup)
    if attribute == "displayName":
        query = query.where(sa.func.lower(ScimGroup.display_name) == " ".join((value or "").split()).lower())
    elif attribute == "externalId":
        query = query.where(ScimGroup.external_id == value)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    groups = list(db.session.scalars(query.order_by(ScimGroup.id).offset(start).limit(count))) if count else []
    return total or 0, groups


def create(resource: resources.Group) -> ScimGroup:
    """Make the group: a role's group when GROUP_ROLES names it, else a team's (the team of
    that name, made when missing); then put its members in."""
    name = _checked_name(resource.display_name, None)
    _check_external_id(resource.external_id, None)
    role = group_roles().get(group_key(name))
    if role is not None:
        group = ScimGroup(display_name=name, role=role)
    else:
        team = db.session.scalar(sa.select(Team).where(sa.func.lower(Team.name) == name.lower()))
        if team is None:
            team = _save_team(name, None, None)
        elif db.session.scalar(sa.select(ScimGroup.id).where(ScimGroup.team_id == team.id)) is not None:
            raise UniquenessException(detail=f"The team {team.name} already has a group.")
        group = ScimGroup(display_name=name, team_id=team.id)
    group.external_id = resource.external_id
    db.session.add(group)
    db.session.flush()
    # The members sent join; an existing team's people stay (the directory did not know them).
    set_members(group, _wanted_members(resource) | set(member_ids(group)))
    return group


def replace(group: ScimGroup, resource: resources.Group) -> ScimGroup:
    """Make the group what the SCIM Group says: its name, externalId and members."""
    name = _checked_name(resource.display_name, group.id)
    _check_external_id(resource.external_id, group.id)
    if group.team is not None and name != group.team.name:
        _save_team(name, group.team.lead_id, group.team.id)
    group.display_name, group.external_id = name, resource.external_id
    set_members(group, _wanted_members(resource))
    group.updated_at = utcnow()  # its members may have changed, not its row
    db.session.flush()
    return group


def patch(group: ScimGroup, operations: PatchOp[Any]) -> ScimGroup:
    """Apply a PatchOp to the group (scim2-models applies it; the result is then saved)."""
    current = as_resource(group)
    operations.patch(current, scim_policy=resources.POLICY)
    return replace(group, current)


def delete(group: ScimGroup) -> None:
    """Take everyone out of the group (out of its team, or their role away), then drop it."""
    set_members(group, set())
    db.session.delete(group)
    db.session.flush()


def set_members(group: ScimGroup, wanted: set[int]) -> None:
    """Make the group's people exactly `wanted`, moving them into or out of its team, or
    giving or taking its role."""
    current = set(member_ids(group))
    if group.team_id is not None:
        for user in _people(wanted - current):
            user.team_id = group.team_id
        for user in _people(current - wanted):
            user.team_id = None
    else:
        assert group.role is not None
        for user in _people(wanted - current):
            db.session.add(ScimGroupMember(group_id=group.id, user_id=user.id))
            user.roles = user.roles | {group.role}
        leaving = current - wanted
        if leaving:
            db.session.execute(
                sa.delete(ScimGroupMember).where(
                    ScimGroupMember.group_id == group.id, ScimGroupMember.user_id.in_(leaving)
                )
            )
            kept = set(
                db.session.scalars(
                    sa.select(ScimGroupMember.user_id)
                    .join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
                    .where(ScimGroup.role == group.role, ScimGroupMember.user_id.in_(leaving))
                )
            )
            for user in _people(leaving - kept):
                user.roles = user.roles - {group.role}
    db.session.flush()


def _people(ids: set[int]) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id))) if ids else []


def _wanted_members(resource: resources.Group) -> set[int]:
    """The people the Group lists, by their SCIM ids; each must be a person."""
    wanted: set[int] = set()
    for member in resource.members or []:
        value = member.value or ""
        if member.type not in (None, "User") or not value.isdigit() or len(value) >= 10:
            raise InvalidValueException(detail=f"A member must be a User of this service, not {value!r}.")
        wanted.add(int(value))
    found = (
        set(db.session.scalars(sa.select(User.id).where(User.id.in_(wanted), User.erased_at.is_(None))))
        if wanted
        else set()
    )
    if missing := wanted - found:
        raise InvalidValueException(detail=f"There is no User {min(missing)}.")
    return wanted


def _checked_name(display_name: str | None, group_id: int | None) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        raise InvalidValueException(detail="A group needs a displayName.")
    if len(name) > 255:
        raise InvalidValueException(detail="displayName is at most 255 characters.")
    clash = db.session.scalar(sa.select(ScimGroup.id).where(sa.func.lower(ScimGroup.display_name) == name.lower()))
    if clash is not None and clash != group_id:
        raise UniquenessException(detail=f"There is already a group called {name}.")
    return name


def _check_external_id(external_id: str | None, group_id: int | None) -> None:
    if external_id is None:
        return
    if len(external_id) > 255:
        raise InvalidValueException(detail="externalId is at most 255 characters.")
    clash = db.session.scalar(sa.select(ScimGroup.id).where(ScimGroup.external_id == external_id))
    if clash is not None and clash != group_id:
        raise UniquenessException(detail="Another group has this externalId.")


def _save_team(name: str, lead_id: int | None, team_id: int | None) -> Team:
    try:
        return save_team(name, lead_id, team_id)
    except InvalidInput as exc:
        raise InvalidValueException(detail=" ".join(exc.fields.values()) or exc.message) from None
