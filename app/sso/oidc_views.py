"""The two pages of signing in with OpenID Connect: off to the provider, and back.

GET /sso/oidc/start?next=/path   sends the browser to the provider (404 when OIDC is off)
GET /sso/oidc/callback           the provider sends it back here: checked, then signed in

A failure shows a page saying what happened and what to do (app/sso/oidc.py gives its
status: 400, 403 or 502); its status rolls the request back, so a person added at their
first sign-in is not kept when anything after fails.
"""

import logging

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.views import begin_signed_in_session, safe_next, signed_in_answer
from app.errors import InvalidInput, NotFound
from app.sso import bp, oidc
from app.sso.accounts import SignInRefused, person_for
from app.sso.settings import group_roles, oidc_enabled
from app.urls import external_url

log = logging.getLogger(__name__)


@bp.get("/oidc/start")
def oidc_start():
    """Send the browser to the provider to sign in, keeping where to go after (?next=)."""
    if not oidc_enabled():
        raise NotFound()
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("people.home"))
    try:
        return redirect(oidc.authorization(external_url("sso.oidc_callback"), target))
    except oidc.OidcFailure as failure:
        return failed(failure, target)


@bp.get("/oidc/callback")
def oidc_callback():
    """Check the provider's answer and sign in the person it names, or say why not."""
    if not oidc_enabled():
        raise NotFound()
    try:
        answer = oidc.checked_answer(request.args)
    except oidc.OidcFailure as failure:
        return failed(failure, None)
    create_people = bool(current_app.config["SSO_CREATE_PEOPLE"])
    try:
        user = person_for(answer.identity, create_people=create_people, group_roles=group_roles())
    except SignInRefused as exc:
        log.info("single sign-on refused for %s at %s: %s", answer.identity.subject, answer.identity.issuer, exc)
        return refusal_page(exc.message, 403, answer.next_path)
    except InvalidInput as exc:  # details the provider gave that no person can have
        problems = " ".join(exc.fields.values()) or exc.message
        message = (
            f"Unstuck could not add you with the details {oidc.provider_name()} gave ({problems}). Ask your admin."
        )
        return refusal_page(message, 403, answer.next_path)
    begin_signed_in_session(user, remember=False)
    return signed_in_answer(user, answer.next_path or url_for("people.home"))


def failed(failure: oidc.OidcFailure, next_path: str | None):
    """The page for a sign-in that did not work, logged with what exactly failed."""
    log.warning("single sign-on failed (%s): %s", failure.status, failure.detail or failure.message)
    return refusal_page(failure.message, failure.status, next_path)


def refusal_page(message: str, status: int, next_path: str | None):
    return render_template("sso/oidc_failed.html", message=message, status=status, next_path=next_path), status
