"""Signing in with OpenID Connect: the authorization code flow with PKCE, by Authlib.

    url = authorization(callback_url, next_path)  # the provider's URL; state kept in the session
    answer = checked_answer(request.args)         # -> CheckedAnswer(identity, next_path)

The provider is found from OIDC_ISSUER's discovery document
(`/.well-known/openid-configuration`, whose `issuer` must be OIDC_ISSUER). `authorization`
keeps the state, nonce, PKCE verifier and where to go next in the session under the state
(for the newest three sign-ins a browser started, as in tabs); `checked_answer` takes them out again (so a callback works once per browser), exchanges the
code at the token endpoint, and verifies the ID token: its signature with a key of the
provider's JWKS (Authlib fetches the JWKS again once when the token names a key it does not
know, so a provider that rotates its keys goes on working), `iss`, `aud` (this client),
`azp`, `exp`, `iat` and the `nonce`. Claims the ID token leaves out come from userinfo.

Every call to the provider has a timeout (OIDC_TIMEOUT_SECONDS). A failure raises an
`OidcFailure` whose `status` and `message` the views show: 400 when the answer is not one
this browser asked for, 403 when the provider said no or its answer does not check out,
502 when the provider cannot be reached or answered nonsense.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, session
from joserfc.errors import JoseError

from app.sso.accounts import Identity
from app.sso.oidc_claims import ClaimsMismatch, merged_claims, needs_userinfo, person_claims

NAME = "oidc"  # Authlib's name for the client: the session keys are "_state_oidc_<state>"
KEEP_PENDING = 3  # sign-ins started in one browser (tabs) that can still come back
METADATA_SECONDS = 24 * 3600  # how long the discovery document is kept
_lock = threading.Lock()


class OidcFailure(Exception):
    """Signing in with the provider did not work: `message` says what happened and what to
    do, in words for the person; `status` is the page's HTTP status."""

    status = 403

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail or message)
        self.message = message
        self.detail = detail  # for the log: what exactly failed


class NotAsked(OidcFailure):
    """An answer this browser did not ask for (no such state), or one used already."""

    status = 400


class ProviderUnreachable(OidcFailure):
    """The provider did not answer, answered too late, or answered nonsense."""

    status = 502


@dataclass(frozen=True)
class CheckedAnswer:
    identity: Identity
    next_path: str | None


def provider_name() -> str:
    return current_app.config["SSO_NAME"]


def unreachable(detail: str) -> ProviderUnreachable:
    return ProviderUnreachable(
        f"Unstuck could not reach {provider_name()} to sign you in. Please try again in a few minutes; "
        "if it goes on, tell your admin (and sign in with your password if you have one).",
        detail,
    )


def refused(detail: str) -> OidcFailure:
    return OidcFailure(
        f"Unstuck could not confirm this sign-in with {provider_name()}, so it did not sign you in. "
        "Please start again from the sign-in page; if it happens again, tell your admin.",
        detail,
    )


def client():
    """This app's Authlib client for the configured provider, made on first use and kept
    (with the provider's discovery document and JWKS) until the settings change."""
    config = current_app.config
    key = tuple(
        config[name]
        for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_TIMEOUT_SECONDS")
    )
    with _lock:
        kept = current_app.extensions.get("unstuck_oidc")
        if kept is None or kept[0] != key:
            oauth = OAuth(current_app._get_current_object())
            kept = (
                key,
                oauth.register(
                    NAME,
                    client_id=config["OIDC_CLIENT_ID"],
                    client_secret=config["OIDC_CLIENT_SECRET"],
                    server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
                    client_kwargs={
                        "scope": config["OIDC_SCOPES"],
                        "code_challenge_method": "S256",
                        "default_timeout": config["OIDC_TIMEOUT_SECONDS"],
                    },
                ),
            )
            current_app.extensions["unstuck_oidc"] = kept
        return kept[1]


def metadata(oidc) -> dict:
    """The provider's discovery document, checked to be the configured issuer's; read again
    once a day, in case the provider moved an endpoint."""
    if time.time() - oidc.server_metadata.get("_loaded_at", 0) > METADATA_SECONDS:
        oidc.server_metadata.pop("_loaded_at", None)
    try:
        found = oidc.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise unreachable(f"discovery document: {exc}") from exc
    if found.get("issuer") != current_app.config["OIDC_ISSUER"]:
        oidc.server_metadata.pop("_loaded_at", None)  # read it again next time
        raise unreachable(
            f"discovery document names issuer {found.get('issuer')!r}, not OIDC_ISSUER "
            f"{current_app.config['OIDC_ISSUER']!r}"
        )
    return found


def authorization(callback_url: str, next_path: str | None) -> str:
    """Return the provider's authorization URL to send the browser to, keeping the state,
    nonce, PKCE verifier and `next_path` in the session for the callback."""
    oidc = client()
    metadata(oidc)
    asked = oidc.create_authorization_url(callback_url)
    _forget_older_sign_ins()
    oidc.save_authorize_data(
        state=asked["state"],
        redirect_uri=callback_url,
        code_verifier=asked["code_verifier"],
        nonce=asked["nonce"],
        next=next_path,
    )
    return asked["url"]


def _forget_older_sign_ins(keep: int = KEEP_PENDING - 1) -> None:
    """Drop all but the newest sign-ins this browser started and never finished, so the
    session cookie stays small however often the button is pressed."""
    pending = sorted(
        (key for key in session if key.startswith(f"_state_{NAME}_")),
        key=lambda key: (session[key] or {}).get("exp", 0),
    )
    for key in pending[: max(len(pending) - keep, 0)]:
        session.pop(key)


def checked_answer(args: Mapping[str, str]) -> CheckedAnswer:
    """Check the provider's answer at the callback and return who it signs in."""
    oidc = client()
    state = args.get("state") or ""
    asked = oidc.framework.get_state_data(session, state) if state else None
    if state:
        oidc.framework.clear_state_data(session, state)
    if args.get("error"):
        description = args.get("error_description") or ""
        raise OidcFailure(
            f"{provider_name()} did not sign you in ({args['error']}{': ' + description if description else ''}). "
            "Start again from the sign-in page, or ask your admin if you should have access to Unstuck.",
            f"provider error {args['error']}: {description}",
        )
    if asked is None:
        raise NotAsked(
            "This sign-in was not started in this browser, or it was used already. "
            "Please start again from the sign-in page.",
            "no such state in the session",
        )
    found = metadata(oidc)
    if "iss" in args and args["iss"] != found["issuer"]:
        raise refused(f"authorization response from issuer {args['iss']!r}")
    if not args.get("code"):
        raise refused("authorization response without a code")
    token = _exchange(oidc, args["code"], asked)
    claims = _id_token_claims(oidc, token, asked["nonce"])
    config = current_app.config
    team_claim, groups_claim = config["OIDC_TEAM_CLAIM"], config["OIDC_GROUPS_CLAIM"]
    verified_claim = config["OIDC_EMAIL_VERIFIED_CLAIM"]
    userinfo = None
    if needs_userinfo(claims, team_claim, groups_claim, verified_claim) and found.get("userinfo_endpoint"):
        userinfo = _userinfo(oidc, token)
    try:
        claims = merged_claims(claims, userinfo)
    except ClaimsMismatch as exc:
        raise refused(str(exc)) from exc
    fields = person_claims(claims, team_claim=team_claim, groups_claim=groups_claim, verified_claim=verified_claim)
    return CheckedAnswer(Identity(issuer=found["issuer"], **fields), asked.get("next"))


def _exchange(oidc, code: str, asked: dict) -> dict:
    """Exchange the code (with the PKCE verifier) for the tokens."""
    try:
        return oidc.fetch_access_token(
            redirect_uri=asked["redirect_uri"], code=code, code_verifier=asked["code_verifier"]
        )
    except OAuthError as exc:  # the provider refused the code: used already, expired, not ours
        raise refused(f"token endpoint: {exc.error}: {exc.description}") from exc
    except (requests.RequestException, ValueError) as exc:
        raise unreachable(f"token endpoint: {exc}") from exc


def _id_token_claims(oidc, token: dict, nonce: str) -> dict:
    """Verify the ID token (signature and claims) and return its claims."""
    if not token.get("id_token"):
        raise refused("the token answer has no ID token")
    options = {
        "iss": {"essential": True, "values": [oidc.server_metadata["issuer"]]},
        "aud": {"essential": True, "values": [oidc.client_id]},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "values": [nonce]},
    }
    try:
        return dict(oidc.parse_id_token(token, nonce=nonce, claims_options=options))
    except JoseError as exc:
        raise refused(f"ID token: {exc}") from exc
    except requests.RequestException as exc:  # fetching the JWKS again
        raise unreachable(f"JWKS: {exc}") from exc
    except ValueError as exc:  # a token or a key that does not parse
        raise refused(f"ID token: {exc}") from exc


def _userinfo(oidc, token: dict) -> dict:
    try:
        return dict(oidc.userinfo(token=token))
    except (requests.RequestException, ValueError) as exc:
        raise unreachable(f"userinfo: {exc}") from exc
