"""Groups a company's identity provider puts people in, read as Unstuck's roles and teams.

The setting GROUP_ROLES names the groups that give a role ("Unstuck mentors=mentor,
Leads=lead"); any other group names a team, when a team of that name exists. Single sign-on
(the groups claim or attribute) and SCIM (its Groups) both read groups this way:

    roles, team_names = read_groups(["Unstuck mentors", "Payments"], parse_group_roles(text))
"""

from __future__ import annotations

from collections.abc import Iterable

from app.people.models import Role


def group_key(name: str) -> str:
    """How a group's name is compared: trimmed, single spaces, any case."""
    return " ".join(name.split()).casefold()


def parse_group_roles(text: str) -> dict[str, Role]:
    """Read GROUP_ROLES ("Group name=role, ..."); raise ValueError naming what is wrong."""
    mapping: dict[str, Role] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, role = part.rpartition("=")
        if not sep or not name.strip():
            raise ValueError(f"GROUP_ROLES: {part.strip()!r} is not 'group name=role'.")
        try:
            mapping[group_key(name)] = Role(role.strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"GROUP_ROLES: {role.strip()!r} is not a role (one of {known}).") from None
    return mapping


def read_groups(groups: Iterable[str], group_roles: dict[str, Role]) -> tuple[set[Role], list[str]]:
    """The roles a person's groups give, and the other groups' names (candidate teams), in order."""
    roles: set[Role] = set()
    teams: list[str] = []
    for name in groups:
        if not isinstance(name, str) or not name.strip():
            continue
        role = group_roles.get(group_key(name))
        if role is not None:
            roles.add(role)
        elif name.strip() not in teams:
            teams.append(name.strip())
    return roles, teams
