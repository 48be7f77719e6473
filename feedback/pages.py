"""What the feedback pages share: a service's messages on a form, and opening a mail's link
(its person and what it names)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort

from app import forms
from app.errors import InvalidInput
from app.extensions import db
from app.people.models import User
from app.tokens import LinkToken


def show_errors(form, exc: InvalidInput) -> dict[str, str]:
    """Put a service's messages on the form's fields, and return those no visible field can
    show (the answer is a 400: the unit of work rolls back)."""
    return forms.show_errors(form, exc)


def hidden_problems(form) -> dict[str, str]:
    """Errors of fields a page cannot show beside them (an expired form's CSRF token)."""
    return {
        name: "This page was open too long. Please send it again." if name == "csrf_token" else " ".join(errors)
        for name, errors in form.errors.items()
        if name in ("csrf_token", "request_key")
    }


def open_mail_link(link: LinkToken, own: Callable[[int, int], object]) -> tuple[User, object]:
    """The person of a feedback mail's link and what it names (`own(object_id, person_id)`);
    aborts with 404 when the person is gone or inactive; what it names not being theirs is a
    NotFound, which answers 404 too."""
    person = db.session.get(User, link.user_id)
    if person is None or not person.active:
        abort(404)
    return person, own(link.object_id, person.id)
