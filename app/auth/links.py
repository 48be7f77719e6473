"""Signing in by a link sent by email, for whoever cannot sign in with a password just now
(failed attempts from elsewhere make their browser wait, or they forgot it).

The link is signed, names the person, works once, and only for SIGN_IN_LINK_MINUTES. Asking
for one says the same whether the address belongs to anyone or not, and is rate-limited
(app/security.py) per address asked for and per address asking: never so tightly that a
stranger asking in someone's name leaves them without a working link, since each link
asked for goes to that person's own mailbox and lasts as long as the limit's window.
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

PURPOSE = "sign-in"


def send_sign_in_link(email: str) -> None:
    """Email a sign-in link to the active person with this address, in the caller's
    transaction (sent after the commit); for any other address, or a person who must sign in
    with single sign-on, do nothing."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email), User.active.is_(True)))
    if user is None or not password_allowed(user):  # single sign-on required of them
        return
    token = make_token(PURPOSE, user.id, user_id=user.id, single_use=True)
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    send_mail(
        f"sign-in-link:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        "sign_in_link",
        user,
        "Your link to sign in to Unstuck",
        "auth/email/sign_in_link",
        {"link": external_url("auth.sign_in_by_link", token=token), "minutes": minutes},
        about=user,
    )


def read_sign_in_link(token: str) -> LinkToken:
    """What a sign-in link's token says, if it is a genuine one still in its time.

    Raises TokenExpired for a link past its minutes, TokenInvalid for anything else.
    """
    link = read_token(token, PURPOSE, max_age_seconds=current_app.config["SIGN_IN_LINK_MINUTES"] * 60)
    if link.nonce is None or not isinstance(link.object_id, int) or link.user_id != link.object_id:
        raise TokenInvalid("This link is not valid.")
    return link
