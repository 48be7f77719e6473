"""Signing in with a link by email: asking for one, and the page the link opens (it asks;
its button signs in, so that a mail scanner opening the link uses nothing up)."""

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp
from app.auth.forms import SignInLinkForm
from app.auth.links import read_sign_in_link, send_sign_in_link
from app.auth.sessions import EndReason, end_sign_in
from app.auth.views import begin_signed_in_session, signed_in_answer
from app.extensions import db
from app.links import LinkKind, open_link
from app.people.models import User
from app.sso.settings import password_allowed
from app.tokens import LinkToken, TokenInvalid


@bp.route("/sign-in/email", methods=["GET", "POST"])
def ask_for_link():
    """Ask for a link to sign in; the answer says the same whether the address is known."""
    if current_user.is_authenticated:
        return redirect(url_for("people.home"))
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    form = SignInLinkForm(email=request.args.get("email", ""))
    if form.validate_on_submit():
        send_sign_in_link(form.email.data)
        return render_template("auth/link_sent.html", email=form.email.data.strip(), minutes=minutes)
    return render_template("auth/ask_for_link.html", form=form, minutes=minutes), 400 if form.errors else 200


def _person_of(link: LinkToken) -> User:
    user = db.session.get(User, link.user_id)
    if user is None or not user.active or not password_allowed(user):
        raise TokenInvalid("This link is not valid.")
    return user


def _ask(user: User, form: None, status: int):
    return render_template(
        "links/confirm.html",
        title="Sign in to Unstuck?",
        button="Sign in",
        message=f"This link signs you in as {user.email}.",
    ), status


def _sign_in(user: User, form: None):
    if current_user.is_authenticated and current_user.sign_in is not None:
        end_sign_in(current_user.sign_in.session_id, EndReason.SIGNED_OUT)
    begin_signed_in_session(user, remember=False)
    return signed_in_answer(user, url_for("people.home"))


SIGN_IN_LINK = LinkKind(read=read_sign_in_link, load=_person_of, confirm=_ask, act=_sign_in)


@bp.route("/sign-in/email/<token>", methods=["GET", "POST"])
def sign_in_by_link(token: str):
    """Ask whether to sign in as the link's person; sign in (once) when the button is pressed."""
    return open_link(SIGN_IN_LINK, token)
