"""A link by email to set a new password, for whoever forgot theirs.

The link is signed, names the person, works once and only for PASSWORD_RESET_MINUTES.
Asking for one says the same whether the address belongs to anyone or not, and is
rate-limited (app/security.py) per address asked for and per address asking, as links to
sign in are. Nobody is mailed for an unknown or deactivated address, nor a person who must
sign in with single sign-on.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.mail.outgoing import send_mail
from app.people.models import User, normalize_email
from app.sso.settings import password_allowed
from app.tokens import LinkToken, TokenInvalid, make_token, read_token
from app.urls import external_url

PURPOSE = "password-reset"


def send_password_reset(email: str) -> None:
    """Email a link to set a new password to the active person with this address, in the
    caller's transaction (sent after the commit); for anyone else, do nothing."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email), User.active.is_(True)))
    if user is None or user.erased_at is not None or not password_allowed(user):
        return
    token = make_token(PURPOSE, user.id, user_id=user.id, single_use=True)
    send_mail(
        f"password-reset:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        "password_reset",
        user,
        "Set a new password for Unstuck",
        "auth/email/password_reset",
        {
            "link": external_url("auth.reset_password", token=token),
            "minutes": current_app.config["PASSWORD_RESET_MINUTES"],
        },
        about=user,
    )


def read_reset_link(token: str) -> LinkToken:
    """What a password link's token says, if it is a genuine one still in its time.

    Raises TokenExpired for a link past its minutes, TokenInvalid for anything else.
    """
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    link = read_token(token, PURPOSE, max_age_seconds=minutes * 60)
    if link.nonce is None or not isinstance(link.object_id, int) or link.user_id != link.object_id:
        raise TokenInvalid("This link is not valid.")
    return link
