"""Pages for passwords: asking for a link to set a new one, the page that link opens, and
the page an invitation's link opens (set a password, or sign in with single sign-on).

Both links show their form on GET; its POST sets the password once, ends every sign-in of
the person, and signs them in afresh here.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import bp
from app.auth.forms import ForgotPasswordForm, NewPasswordForm
from app.auth.links import read_reset_link, send_password_reset
from app.auth.passwords import set_password
from app.auth.views import begin_signed_in_session, signed_in_answer
from app.extensions import db
from app.links import LinkKind, open_link
from app.people.invitations import Invitation, invitation_for_link, read_invitation_link
from app.people.models import User
from app.sso.settings import password_allowed, sign_in_ways
from app.tokens import LinkToken, TokenInvalid


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link to set a new password; the answer says the same whether the address is known."""
    if current_user.is_authenticated:
        return redirect(url_for("people.profile") + "#password")
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    form = ForgotPasswordForm(email=request.args.get("email", ""))
    if form.validate_on_submit():
        send_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data.strip(), minutes=minutes)
    return render_template("auth/forgot_password.html", form=form, minutes=minutes), 400 if form.errors else 200


def _set_and_sign_in(user: User, form: NewPasswordForm, welcome: str):
    """Set the person's new password, end all their sign-ins, and sign them in here."""
    set_password(user.id, form.new_password.data)
    begin_signed_in_session(user, remember=False)
    flash(welcome, "success")
    return signed_in_answer(user, url_for("people.home"))


# A link to set a new password


def _person_of(link: LinkToken) -> User:
    user = db.session.get(User, link.user_id)
    if user is None or not user.active or not password_allowed(user):
        raise TokenInvalid("This link is not valid.")
    return user


def _ask_new_password(user: User, form: NewPasswordForm | None, status: int):
    return render_template(
        "auth/set_password.html",
        title="Set a new password",
        message=f"Choose a new password for {user.email}. Every browser signed in to your account is signed out.",
        form=form,
        ways=[],
    ), status


RESET_LINK = LinkKind(
    read=read_reset_link,
    load=_person_of,
    confirm=_ask_new_password,
    act=lambda user, form: _set_and_sign_in(user, form, "Your new password is set, and you are signed in."),
    form=lambda user: NewPasswordForm(user),
)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Ask for a new password; set it (once) and sign in when the form comes back."""
    return open_link(RESET_LINK, token)


# An invitation to join


def _invitation(link: LinkToken) -> Invitation:
    return invitation_for_link(link)


def _join_page(invitation: Invitation, form: NewPasswordForm | None, status: int):
    user = invitation.user
    return render_template(
        "auth/set_password.html",
        title="Welcome to Unstuck",
        message=f"You are invited to Unstuck as {user.email}."
        + (" Choose a password to sign in with." if form is not None else ""),
        form=form,
        ways=sign_in_ways(),
    ), status


def _sso_only(invitation: Invitation):
    """Someone who must sign in with single sign-on sees only its buttons."""
    if password_allowed(invitation.user):
        return None
    return _join_page(invitation, None, 200)


JOIN_LINK = LinkKind(
    read=read_invitation_link,
    load=_invitation,
    confirm=_join_page,
    act=lambda invitation, form: _set_and_sign_in(invitation.user, form, "Welcome to Unstuck: your password is set."),
    form=lambda invitation: NewPasswordForm(invitation.user),
    refuse=_sso_only,
)


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """An invitation's page: set a password (once) and sign in, or sign in with single sign-on."""
    return open_link(JOIN_LINK, token)
