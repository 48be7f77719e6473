"""Links by email that let one person in: a link to sign in, for whoever cannot use a
password just now (failed attempts from elsewhere make their browser wait, or they forgot
it), and a link to set a new password.

Each is signed, names the person, works once, and only for its minutes (a setting). Asking
for one says the same whether the address belongs to anyone or not, and is rate-limited
(app/security.py) per address asked for and per address asking: never so tightly that a
stranger asking in someone's name leaves them without a working link, since each link
asked for goes to that person's own mailbox and lasts as long as the limit's window. Nobody
is mailed for an unknown, deactivated or erased address, nor a person who must sign in
with single sign-on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.mail.outgoing import send_mail
from app.people.models import User, normalize_email
from app.sso.settings import password_allowed
from app.tokens import LinkToken, TokenInvalid, make_token, read_token
from app.urls import external_url


@dataclass(frozen=True)
class PersonalLink:
    """One kind of link by email that lets its person in: its token's purpose, the setting
    that says for how many minutes it works, the view it opens, and its mail."""

    purpose: str
    minutes_setting: str
    endpoint: str
    mail_kind: str
    subject: str
    template: str

    def send(self, email: str) -> None:
        """Email a link to the person with this address, if one may have it, in the caller's
        transaction (sent after the commit); for anyone else, do nothing."""
        user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email), User.active.is_(True)))
        if user is None or user.erased_at is not None or not password_allowed(user):
            return
        token = make_token(self.purpose, user.id, user_id=user.id, single_use=True)
        send_mail(
            f"{self.mail_kind.replace('_', '-')}:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
            self.mail_kind,
            user,
            self.subject,
            self.template,
            {"link": external_url(self.endpoint, token=token), "minutes": current_app.config[self.minutes_setting]},
            about=user,
        )

    def read(self, token: str) -> LinkToken:
        """What a link's token says, if it is a genuine one still in its time.

        Raises TokenExpired for a link past its minutes, TokenInvalid for anything else.
        """
        link = read_token(token, self.purpose, max_age_seconds=current_app.config[self.minutes_setting] * 60)
        if link.nonce is None or not isinstance(link.object_id, int) or link.user_id != link.object_id:
            raise TokenInvalid("This link is not valid.")
        return link


SIGN_IN = PersonalLink(
    "sign-in",
    "SIGN_IN_LINK_MINUTES",
    "auth.sign_in_by_link",
    "sign_in_link",
    "Your link to sign in to Unstuck",
    "auth/email/sign_in_link",
)
PASSWORD_RESET = PersonalLink(
    "password-reset",
    "PASSWORD_RESET_MINUTES",
    "auth.reset_password",
    "password_reset",
    "Set a new password for Unstuck",
    "auth/email/password_reset",
)

PURPOSE = SIGN_IN.purpose
send_sign_in_link, read_sign_in_link = SIGN_IN.send, SIGN_IN.read
send_password_reset, read_reset_link = PASSWORD_RESET.send, PASSWORD_RESET.read
