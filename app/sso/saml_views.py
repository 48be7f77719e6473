"""Signing in with the company's SAML 2.0 identity provider (README, "Single sign-on with SAML 2.0").

    GET  /sso/saml/start     sends the browser to the provider with a request (HTTP-Redirect)
    POST /sso/saml/acs       the provider's answer comes back here (HTTP-POST), and signs in
    GET  /sso/saml/metadata  Unstuck's metadata; its address is Unstuck's entity id

Only answers to a request this browser started are accepted: the request's id goes into a
signed cookie of its own at the start and must come back as the answer's InResponseTo, so
another site cannot post an answer (the provider's form is a cross-site post, hence no CSRF
token: the request id is the proof). Sign-ins the provider starts itself ("IdP-initiated")
are refused for the same reason: give people a bookmark of /sso/saml/start instead. The
cookie is SameSite=None over HTTPS, as the session cookie (Lax) is not sent with the
provider's post. Each assertion signs in once: its id is recorded (app/tokens.py), so
a copied answer, cookie and all, is refused too.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from types import ModuleType

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.views import begin_signed_in_session, safe_next, signed_in_answer
from app.database import insert_unless_exists
from app.errors import NotFound
from app.extensions import csrf, utcnow
from app.sso import bp
from app.sso.accounts import Identity, SignInRefused, person_for
from app.sso.saml_checks import EMAIL_FORMAT, NOT_ASKED, USED, Answer, BadAnswer
from app.sso.settings import group_roles, saml_enabled
from app.tokens import TokenError, UsedLinkToken, make_token, read_token

REQUEST_PURPOSE = "saml-request"
ASSERTION_PURPOSE = "saml-assertion"
# How long a person may take at the provider's sign-in page.
REQUEST_MINUTES = 15


@bp.route("/saml/start")
def saml_start():
    """Send the browser to the provider's sign-in, with a request it must answer."""
    _require_saml()
    target = safe_next(request.args.get("next")) or url_for("people.home")
    if current_user.is_authenticated:
        return redirect(target)
    saml = _protocol()
    try:
        request_id, location = saml.request_to_provider(target)
    except saml.SamlUnavailable as error:
        return _unavailable(error)
    answer = redirect(location)
    answer.set_cookie(
        _cookie_name(),
        make_token(REQUEST_PURPOSE, request_id),
        max_age=timedelta(minutes=REQUEST_MINUTES),
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="None" if _secure() else "Lax",
    )
    return answer


@bp.route("/saml/acs", methods=["POST"])
@csrf.exempt  # a cross-site post from the provider: the request id in our cookie is the proof
def saml_acs():
    """Check the provider's answer and sign the person it names in."""
    _require_saml()
    saml = _protocol()
    try:
        answer = saml.read_answer(request.form.get("SAMLResponse", ""), _request_id())
        _record_use(answer)
        user = person_for(
            _identity(answer), create_people=current_app.config["SSO_CREATE_PEOPLE"], group_roles=group_roles()
        )
    except saml.SamlUnavailable as error:
        return _unavailable(error)
    except BadAnswer as error:
        return _problem(error.reason, 400)
    except SignInRefused as error:
        return _problem(error.message, 403, refused=True)
    begin_signed_in_session(user, remember=False)
    page = signed_in_answer(user, safe_next(request.form.get("RelayState")) or url_for("people.home"))
    _forget_request(page)
    return page


@bp.route("/saml/metadata")
def saml_metadata():
    """Unstuck's service provider metadata: its entity id, ACS and (if set) certificate."""
    _require_saml()
    saml = _protocol()
    try:
        text = saml.sp_metadata()
    except saml.SamlUnavailable as error:
        return _unavailable(error)
    return text, 200, {"Content-Type": "application/samlmetadata+xml; charset=utf-8"}


def _protocol() -> ModuleType:
    """pysaml2's side of the exchange, loaded at the first SAML request: pysaml2 and its XML
    schemas take seconds to load, which no process should pay while SAML is off."""
    from app.sso import saml_protocol

    return saml_protocol


def _request_id() -> str:
    """The id of the request this browser started, from its signed cookie; or BadAnswer."""
    cookie = request.cookies.get(_cookie_name(), "")
    try:
        return str(read_token(cookie, REQUEST_PURPOSE, max_age_seconds=REQUEST_MINUTES * 60).object_id)
    except TokenError:
        raise BadAnswer(NOT_ASKED) from None


def _record_use(answer: Answer) -> None:
    """Record the assertion as used, in this request's transaction; BadAnswer if it was."""
    seen = hashlib.sha256(f"{answer.issuer}\n{answer.assertion_id}".encode()).hexdigest()
    values = dict(nonce=seen, purpose=ASSERTION_PURPOSE, used_at=utcnow())
    if insert_unless_exists(UsedLinkToken.__table__, values, "nonce") is None:
        raise BadAnswer(USED)


def _identity(answer: Answer) -> Identity:
    """Who the answer says signs in. There is no email_verified in SAML: the provider is
    trusted for the email it asserts (its admins set it), so it counts as verified."""
    config = current_app.config
    email = answer.first(config["SAML_EMAIL_ATTRIBUTE"])
    if email is None and answer.name_id_format == EMAIL_FORMAT:
        email = answer.name_id
    return Identity(
        issuer=answer.issuer,
        subject=answer.name_id,
        email=email,
        email_verified=email is not None,
        name=answer.first(config["SAML_NAME_ATTRIBUTE"]) or "",
        team=answer.first(config["SAML_TEAM_ATTRIBUTE"]),
        groups=tuple(answer.values(config["SAML_GROUPS_ATTRIBUTE"])),
    )


def _problem(reason: str, status: int, refused: bool = False):
    page = current_app.make_response((render_template("sso/saml_problem.html", reason=reason, refused=refused), status))
    _forget_request(page)
    return page


def _unavailable(error: Exception):
    current_app.logger.error("Single sign-on by SAML is unavailable: %s", error)
    return render_template("sso/saml_problem.html", unavailable=True), 503


def _forget_request(page) -> None:
    """The request is answered (well or not): its cookie goes, so it cannot be answered again."""
    page.delete_cookie(
        _cookie_name(), path="/", secure=_secure(), httponly=True, samesite="None" if _secure() else "Lax"
    )


def _require_saml() -> None:
    if not saml_enabled():
        raise NotFound("Single sign-on by SAML is not set up.")


def _secure() -> bool:
    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _cookie_name() -> str:
    return "__Host-saml-request" if _secure() else "saml-request"
