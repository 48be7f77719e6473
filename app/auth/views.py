"""Sign-in and sign-out pages."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import SignInForm
from app.extensions import db
from app.people.models import User, normalize_email


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


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form and sign the person in."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("people.home"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == normalize_email(form.email.data)))
        if user is None or not user.check_password(form.password.data) or not user.active:
            form.password.errors.append("That email and password do not match an account.")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("people.home"))
    status = 200 if not form.errors else 400
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    """Sign the person out."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))
