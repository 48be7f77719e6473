"""How Flask-Login finds the signed-in person, and what it does for strangers.

The session and remember cookies name a sign-in (app/auth/sessions.py), never a person:
the user loader finds the live sign-in and its person. Each request loads them before its
view runs, so that what loading changes (when the sign-in was last used, a remember
cookie's new secret, a sign-in ended because an old cookie came back) is committed then,
apart from the view's own work. A cookie that names no live sign-in is taken away.
"""

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_login import COOKIE_NAME, current_user, logout_user, user_loaded_from_cookie

from app.auth.sessions import find_sign_in, renew_secret
from app.error_pages import error_response, wants_json
from app.extensions import db, login_manager
from app.people.models import User

# Answers that never concern a person: files, and the load balancer's health check.
NO_PERSON_ENDPOINTS = {"static", "help.static", "health.health"}


def init_login(app: Flask) -> None:
    """Set up the login manager for the app."""
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(load_signed_in_person)
    app.after_request(forget_replaced_cookie)


@login_manager.user_loader
def load_user(cookie: str) -> User | None:
    """Return the active person of the live sign-in the cookie names, or None."""
    found = find_sign_in(cookie)
    g.sign_in_found = found
    return found.user if found is not None else None


@user_loaded_from_cookie.connect
def renew_remember_cookie(app, user: User, **extra) -> None:
    """The remember cookie signed the person back in: give the sign-in a new secret, and the
    browser new cookies. A cookie whose secret was replaced a moment ago (another tab of the
    same browser) is let through once, but kept in neither cookie."""
    found = g.get("sign_in_found")
    renewed = renew_secret(found) if found is not None and found.current else None
    if renewed is None:
        g.forget_cookie_after = True
        return
    session["_user_id"] = str(renewed)
    session["_remember"] = "set"
    g.sign_in_renewed = True


def load_signed_in_person() -> None:
    """Find the person of the request's cookies before the view runs, and commit what that
    changed; sign out a browser whose cookies name no live sign-in."""
    # Each request finds its own person: an application context (and its g) can outlast a
    # request, as it does around the test client's requests.
    for name in ("_login_user", "sign_in_found", "sign_in_renewed", "forget_cookie_after"):
        g.pop(name, None)
    # API calls name their person by a token (app/api), never by cookies.
    if request.endpoint in NO_PERSON_ENDPOINTS or request.path.startswith("/api/"):
        return
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    if "_user_id" not in session and remember_cookie not in request.cookies:
        return
    if not current_user.is_authenticated:
        logout_user()  # takes the ended sign-in out of the session, and the remember cookie away
    if db.session.dirty or g.pop("sign_in_renewed", False):
        db.session.commit()


def forget_replaced_cookie(response):
    """Keep a just-replaced secret out of the session cookie this answer sends."""
    if g.pop("forget_cookie_after", False):
        session.pop("_user_id", None)
    return response


@login_manager.unauthorized_handler
def unauthorized():
    """Send people to the sign-in page; answer 401 to the API and to non-GET requests."""
    if request.method == "GET" and not wants_json():
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    return error_response(401, "Please sign in to do this.")
