"""What an OpenID provider's checked claims say about the person signing in (pure: no Flask).

    claims = merged_claims(id_token_claims, userinfo)        # userinfo only fills gaps
    identity = Identity(issuer=issuer, **person_claims(claims, team_claim="department", groups_claim="groups"))

The ID token's claims come first: its signature was checked. The userinfo answer (fetched
with the access token from the same exchange) only adds claims the token left out, as
providers commonly keep the ID token small, and only when it is about the same `sub`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict


class ClaimsMismatch(ValueError):
    """The userinfo answer is about someone else than the ID token."""


def needs_userinfo(
    claims: Mapping[str, Any], team_claim: str, groups_claim: str, verified_claim: str = "email_verified"
) -> bool:
    """Whether the ID token lacks a claim Unstuck reads, so userinfo should be asked too."""
    wanted = ["email", verified_claim, "name", team_claim, groups_claim]
    return any(name and name not in claims for name in wanted)


def merged_claims(id_token: Mapping[str, Any], userinfo: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ID token's claims, with the userinfo claims it lacks; refuse a userinfo answer
    about another subject (OpenID Connect Core, 5.3.2)."""
    claims = dict(id_token)
    if userinfo:
        if userinfo.get("sub") != id_token.get("sub"):
            raise ClaimsMismatch("the userinfo answer names another subject than the ID token")
        for name, value in userinfo.items():
            claims.setdefault(name, value)
    return claims


class PersonClaims(TypedDict):
    """The fields of app.sso.accounts.Identity that the claims give (all but the issuer)."""

    subject: str
    email: str | None
    email_verified: bool
    name: str
    team: str | None
    groups: tuple[str, ...]


def person_claims(
    claims: Mapping[str, Any], *, team_claim: str, groups_claim: str, verified_claim: str = "email_verified"
) -> PersonClaims:
    """Read the person from the claims: the email counts as verified only for a real true in
    `verified_claim` (some providers send the string "true"; Microsoft Entra ID says it in
    its optional claim `xms_edov` instead); groups may be a list or one comma-separated string."""
    verified = claims.get(verified_claim)
    return PersonClaims(
        subject=_text(claims.get("sub")),
        email=_text(claims.get("email")) or None,
        email_verified=verified is True or (isinstance(verified, str) and verified.strip().lower() == "true"),
        name=_text(claims.get("name")) or _joined(claims.get("given_name"), claims.get("family_name")),
        team=(_text(claims.get(team_claim)) or None) if team_claim else None,
        groups=_groups(claims.get(groups_claim)) if groups_claim else (),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _joined(*parts: Any) -> str:
    return " ".join(p for p in map(_text, parts) if p)


def _groups(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        return ()
    return tuple(g.strip() for g in value if isinstance(g, str) and g.strip())
