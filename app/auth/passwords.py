"""Setting a person's password: the policy (app/auth/password_policy.py) with this
install's minimum length, and what a new password ends.

    check_new_password(password, email, name)              # InvalidInput({"password": ...})
    set_password(user_id, password, keep_sign_in_id=None)  # every other sign-in ends
    change_own_password(user_id, current, new, keep_sign_in_id)

Every sign-in of the person ends with a new password, their remember cookies with them (a
sign-in and its cookie are one row, app/auth/sessions.py), except the one they changed it
from. Services: the caller's transaction holds the change.
"""

from __future__ import annotations

from flask import current_app

from app.auth.password_policy import password_problem
from app.auth.sessions import EndReason, end_sign_ins
from app.errors import InvalidInput, Refused
from app.extensions import db
from app.people.models import User
from app.sso.settings import password_allowed

WRONG_CURRENT = "That is not your current password."


def new_password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """What is wrong with a new password for the person with this email and name, or None."""
    return password_problem(password, current_app.config["PASSWORD_MIN_LENGTH"], about=(email, name))


def check_new_password(password: str, email: str = "", name: str = "", field: str = "password") -> None:
    """Raise InvalidInput on `field` with the policy's words unless the password will do."""
    problem = new_password_problem(password, email, name)
    if problem is not None:
        raise InvalidInput({field: problem}, problem)


def set_password(user_id: int, password: str, keep_sign_in_id: int | None = None, field: str = "password") -> User:
    """Give a person a new password that meets the policy, and end every sign-in of theirs
    but `keep_sign_in_id`. Raises InvalidInput (nothing changed) for a weak password,
    LookupError when there is no such person."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    check_new_password(password, user.email, user.name, field)
    user.set_password(password)
    end_sign_ins(user_id, EndReason.PASSWORD_CHANGED, keep=keep_sign_in_id)
    db.session.flush()
    return user


def change_own_password(user_id: int, current: str, new: str, keep_sign_in_id: int | None) -> User:
    """A person changes their own password: the current one first, if they have one; their
    other sign-ins end, the one they use (`keep_sign_in_id`) stays.

    Raises InvalidInput on `current_password` or `new_password`, Refused when single sign-on
    is required of them.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    if not password_allowed(user):
        raise Refused("You sign in with your company account; Unstuck keeps no password for you.")
    if user.password_hash and not user.check_password(current or ""):
        raise InvalidInput({"current_password": WRONG_CURRENT}, WRONG_CURRENT)
    return set_password(user_id, new, keep_sign_in_id=keep_sign_in_id, field="new_password")
