"""What the feedback pages share: a service's messages on a form, and opening a mail's link
(refusing a used one)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.people.models import User
from app.people.services import InvalidInput
from app.tokens import LinkToken, TokenUsed, UsedLinkToken
from feedback import links
from feedback.errors import NotFound


def show_errors(form, exc: InvalidInput) -> dict[str, str]:
    """Put a service's messages on the form's fields, and return those no visible field can
    show (the answer is a 400: the unit of work rolls back)."""
    problems = {}
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is None or field.type in ("HiddenField", "CSRFTokenField"):
            problems[name] = message
        else:
            field.errors.append(message)
    return problems


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

    Raises TokenError for a link that is not valid, expired or used; aborts with 404 when
    its person is gone or inactive, or what it names is not theirs.
    """
    link = links.read_link(purpose, token)
    refuse_used(link.nonce)
    person = db.session.get(User, link.user_id)
    if person is None or not person.active:
        abort(404)
    try:
        return link, person, own(link.object_id, person.id)
    except NotFound:
        abort(404)
