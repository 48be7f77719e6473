"""What the feedback pages share: a service's messages on a form, and opening a mail's link
(refusing a used one)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort

from app import forms
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import User
from app.tokens import LinkToken, TokenUsed, UsedLinkToken
from feedback import links


def show_errors(form, exc: InvalidInput) -> dict[str, str]:
    """Roll back, put a service's messages on the form's fields, and return those no visible
    field can show."""
    db.session.rollback()
    return forms.show_errors(form, exc)


def hidden_problems(form) -> dict[str, str]:
    """Errors of fields a page cannot show beside them (an expired form's CSRF token)."""
    return {
        name: "This page was open too long. Please send it again." if name == "csrf_token" else " ".join(errors)
        for name, errors in form.errors.items()
        if name in ("csrf_token", "request_key")
    }


def refuse_used(nonce: str) -> None:
    """Raise TokenUsed if a single-use link was used already, so its GET says so."""
    if db.session.scalar(sa.select(UsedLinkToken.id).where(UsedLinkToken.nonce == nonce)) is not None:
        raise TokenUsed("This link was already used.")


def open_mail_link(purpose: str, token: str, own: Callable[[int, int], object]) -> tuple[LinkToken, User, object]:
    """The link, its person and what it names (`own(object_id, person_id)`), for the page a
    feedback mail's link opens.

    Raises TokenError for a link that is not valid, expired or used, and NotFound (a 404) when
    what it names is not theirs; aborts with 404 when its person is gone or inactive.
    """
    link = links.read_link(purpose, token)
    refuse_used(link.nonce)
    person = db.session.get(User, link.user_id)
    if person is None or not person.active:
        abort(404)
    return link, person, own(link.object_id, person.id)  # NotFound: 404
