"""Signing in and out: the sign-in form, signing out here or everywhere."""

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import backoff, bp
from app.auth.devices import known_browser, remember_browser
from app.auth.forms import SignInForm
from app.auth.sessions import EndReason, end_sign_in, end_sign_ins, start_sign_in
from app.error_pages import wait_in_words
from app.people.invitations import mark_joined
from app.people.models import User
from app.sso.settings import password_allowed, sign_in_ways


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def begin_signed_in_session(user: User, remember: bool) -> None:
    """Sign the person in with a session of its own: nothing of the session before (its
    CSRF secret, say, which a sibling site could have planted) carries over."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's token of this request, made from the old secret
    start_sign_in(user, request.headers.get("User-Agent", ""), remember)
    login_user(user, remember=remember)
    mark_joined(user.id)  # an invited person who signs in, by any way, has joined


def signed_in_answer(user: User, target: str):
    """The redirect after signing in, with the cookie that makes this browser a known one."""
    response = redirect(target)
    remember_browser(response, user.id)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign the person in, making guessers wait (app/auth/backoff.py)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("people.home"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        attempt = backoff.try_password(
            form.email.data, form.password.data, request.remote_addr or "unknown", known_browser
        )
        if attempt.wait is not None:
            return too_early(form, attempt.wait)
        if attempt.user is None:
            form.password.errors.append("That email and password do not match an account.")
        elif not password_allowed(attempt.user):
            form.password.errors.append(sso_required_message())
        else:
            begin_signed_in_session(attempt.user, remember=form.remember.data)
            return signed_in_answer(attempt.user, safe_next(form.next.data) or url_for("people.home"))
    status = 200 if not form.errors else 400
    return sign_in_page(form), status


def sign_in_page(form: SignInForm, **context) -> str:
    """The sign-in page: the single sign-on buttons (first), and the password form."""
    return render_template("auth/sign_in.html", form=form, ways=sign_in_ways(), **context)


def sso_required_message() -> str:
    """Why a password does not sign this person in when single sign-on is required."""
    label = sign_in_ways()[0].label
    return f"Your organisation signs in to Unstuck with its own sign-in: use the “{label}” button above."


def too_early(form: SignInForm, wait: backoff.Wait):
    """The sign-in form again, with a 429 that says how long to wait and how to get in now."""
    form.password.errors.append(f"{wait.reason} Please try again in {wait_in_words(wait.seconds)}.")
    page = sign_in_page(form, offer_link=True)
    return page, 429, {"Retry-After": str(wait.seconds)}


def end_signed_in_session(reason: EndReason) -> None:
    """Sign the browser out; `reason` says which sign-ins end with it (this one, or all)."""
    sign_in = current_user.sign_in
    if reason == EndReason.EVERYWHERE:
        end_sign_ins(current_user.id, reason)
    elif sign_in is not None:
        end_sign_in(sign_in.session_id, reason)
    session.clear()  # nothing of the signed-in session stays (its CSRF secret)
    logout_user()  # and the remember cookie goes


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign the person out: this sign-in ends, its remember cookie with it."""
    end_signed_in_session(EndReason.SIGNED_OUT)
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-out/everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every sign-in of the person, in every browser, this one included."""
    end_signed_in_session(EndReason.EVERYWHERE)
    flash("You are signed out everywhere: every browser signed in to your account must sign in again.", "info")
    return redirect(url_for("auth.sign_in"))
