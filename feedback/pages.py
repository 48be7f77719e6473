"""What the feedback pages share: a service's messages on a form, and refusing a used link."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.services import InvalidInput
from app.tokens import TokenUsed, UsedLinkToken


def show_errors(form, exc: InvalidInput) -> dict[str, str]:
    """Roll back, put a service's messages on the form's fields, and return those no visible
    field can show."""
    db.session.rollback()
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
    return {name: "This page was open too long. Please send it again." if name == "csrf_token" else " ".join(errors)
            for name, errors in form.errors.items() if name in ("csrf_token", "request_key")}


def refuse_used(nonce: str) -> None:
    """Raise TokenUsed if a single-use link was used already, so its GET says so."""
    if db.session.scalar(sa.select(UsedLinkToken.id).where(UsedLinkToken.nonce == nonce)) is not None:
        raise TokenUsed("This link was already used.")
