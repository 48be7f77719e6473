"""Who a single sign-on signs in: the same rules for OpenID Connect and SAML.

    identity = Identity(issuer=..., subject=..., email=..., email_verified=True, name=...)
    user = person_for(identity, create_people=config["SSO_CREATE_PEOPLE"], group_roles=group_roles())

The provider's own id for the person (`subject`, with its `issuer`) is what says who signs
in once they have signed in before. The first time, the email decides, but only one the
provider says it verified, and only for a person not already linked to another of that
provider's accounts (so nobody at the provider takes over a colleague's account by giving
themselves their address). An unknown verified email adds the person when the admin allows
it (SSO_CREATE_PEOPLE), with the roles and team their groups or team claim give; otherwise
the answer is a refusal saying to ask an admin. Everything happens in the caller's
transaction: a refusal leaves nothing behind once it rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.errors import Refused
from app.extensions import db, utcnow
from app.people.groups import read_groups
from app.people.models import Role, Team, User, normalize_email
from app.people.services import PersonDetails, create_person
from app.sso.models import ExternalIdentity
from app.webhooks import events as webhook_events


class SignInRefused(Refused):
    """The provider vouched for someone Unstuck will not sign in; `message` says why, to them."""


@dataclass(frozen=True)
class Identity:
    """What a provider's checked answer says about the person signing in."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str = ""
    team: str | None = None
    groups: Sequence[str] = field(default_factory=tuple)


UNVERIFIED = (
    "Your company's sign-in did not confirm your email address, so Unstuck cannot tell which "
    "account is yours. Ask your admin to confirm it there."
)
NOT_YOURS = (
    "That email address belongs to an Unstuck account linked to another sign-in of your company's. Ask your admin."
)
UNKNOWN = "There is no Unstuck account for {email}. Ask your admin to add you."
DEACTIVATED = "Your Unstuck account is deactivated. Ask your admin if that is a mistake."


def person_for(identity: Identity, *, create_people: bool, group_roles: dict[str, Role]) -> User:
    """Return the active person the provider's answer signs in, linking or adding them as the
    rules above say; raise SignInRefused otherwise."""
    if not identity.issuer or not identity.subject:
        raise SignInRefused("Your company's sign-in answered without saying who you are.")
    link = db.session.scalar(
        sa.select(ExternalIdentity).where(
            ExternalIdentity.issuer == identity.issuer, ExternalIdentity.subject == identity.subject
        )
    )
    if link is not None:
        user = link.user
    else:
        user = _first_sign_in(identity, create_people, group_roles)
        link = ExternalIdentity(user=user, issuer=identity.issuer, subject=identity.subject)
        db.session.add(link)
    if not user.active:
        raise SignInRefused(DEACTIVATED)
    link.last_used_at = utcnow()
    db.session.flush()
    return user


def _first_sign_in(identity: Identity, create_people: bool, group_roles: dict[str, Role]) -> User:
    if not identity.email or not identity.email_verified:
        raise SignInRefused(UNVERIFIED)
    email = normalize_email(identity.email)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        if not create_people:
            raise SignInRefused(UNKNOWN.format(email=email))
        return _add_person(identity, email, group_roles)
    linked_elsewhere = db.session.scalar(
        sa.select(ExternalIdentity.id).where(
            ExternalIdentity.user_id == user.id, ExternalIdentity.issuer == identity.issuer
        )
    )
    if linked_elsewhere is not None:
        raise SignInRefused(NOT_YOURS)
    return user


def _add_person(identity: Identity, email: str, group_roles: dict[str, Role]) -> User:
    """A person the provider vouches for, added at their first sign-in: a new hire unless
    their groups give roles, in the team their team claim or a group names (if it exists)."""
    roles, team_names = read_groups(identity.groups, group_roles)
    if identity.team:
        team_names.insert(0, identity.team)
    team_id = None
    for name in team_names:
        team_id = db.session.scalar(sa.select(Team.id).where(sa.func.lower(Team.name) == name.strip().lower()))
        if team_id is not None:
            break
    name = " ".join((identity.name or "").split())[:120] or email.split("@", 1)[0]
    person = create_person(
        PersonDetails(email=email, name=name, roles=frozenset(roles or {Role.NEW_HIRE}), team_id=team_id)
    )
    # Added and signed in at once: they joined now (an invited person joins at `mark_joined`).
    webhook_events.person("person.joined", person.id, team_id)
    return person
