"""Which ways of signing in are on, from the settings (README, "Accounts and sign-in").

for way in sign_in_ways():          # the buttons on the sign-in and invitation pages
    way.label, way.endpoint
password_allowed(user)              # False when single sign-on is required of them
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from app.people.groups import parse_group_roles
from app.people.models import Role, User, normalize_email


@dataclass(frozen=True)
class SignInWay:
    """A button that starts single sign-on: what it says and the view it opens."""

    label: str
    endpoint: str


def oidc_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def saml_enabled() -> bool:
    return bool(current_app.config.get("SAML_IDP_METADATA"))


def sso_enabled() -> bool:
    return oidc_enabled() or saml_enabled()


def sign_in_ways() -> list[SignInWay]:
    """The single sign-on buttons to offer, in the order shown (none when it is off)."""
    label = f"Sign in with {current_app.config['SSO_NAME']}"
    ways = []
    if oidc_enabled():
        ways.append(SignInWay(label, "sso.oidc_start"))
    if saml_enabled():
        ways.append(SignInWay(label if not ways else f"{label} (SAML)", "sso.saml_start"))
    return ways


def break_glass_emails() -> set[str]:
    """The admins' addresses that may still sign in with a password when SSO is required."""
    return {normalize_email(e) for e in current_app.config.get("SSO_BREAK_GLASS", "").split(",") if e.strip()}


def password_allowed(user: User | None) -> bool:
    """Whether a password may sign this person in (or be set, reset or asked for).

    When single sign-on is on and required, only a break-glass admin may use one, so that
    an admin can still get in while the provider is down."""
    if not (sso_enabled() and current_app.config.get("SSO_REQUIRED")):
        return True
    return user is not None and user.has_role(Role.ADMIN) and user.email in break_glass_emails()


def group_roles() -> dict[str, Role]:
    """GROUP_ROLES, read (checked at start-up by config)."""
    return parse_group_roles(current_app.config.get("GROUP_ROLES", ""))


def check_sign_in_settings(app: Flask) -> None:
    """Refuse at start-up sign-in settings that cannot work: a GROUP_ROLES that does not read,
    an OpenID provider without its client, SSO required with no single sign-on on."""
    config = app.config
    parse_group_roles(config.get("GROUP_ROLES", ""))  # raises ValueError naming what is wrong
    if config.get("OIDC_ISSUER") and not (config.get("OIDC_CLIENT_ID") and config.get("OIDC_CLIENT_SECRET")):
        raise ValueError("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too (the provider makes them).")
    if config.get("SSO_REQUIRED") and not (config.get("OIDC_ISSUER") or config.get("SAML_IDP_METADATA")):
        raise ValueError("SSO_REQUIRED is on but no single sign-on is: set OIDC_ISSUER or SAML_IDP_METADATA.")
