"""What every answer carries to keep browsers safe, and how often people may knock.

Headers: every HTML page gets a Content-Security-Policy that lets scripts come only from
Unstuck's own files (no inline script, no `javascript:` link), refuses plugins, foreign
forms and framing; only a page that names its own `frame-ancestors` (the "Help, I'm
stuck!" panel, which other sites show in a frame) keeps that rule. Every answer says
`nosniff` and keeps the address of Unstuck's pages from other sites (Referrer-Policy);
every answer but the public files says `Cache-Control: no-store`, and in production every
answer says to come back over HTTPS only (Strict-Transport-Security).

Rate limits (Flask-Limiter, counted in Redis so every web process shares them): questions
saved per person (page, panel and API together), links to sign in and links to set a
password asked for per email address and per address asking, mail handed in at /mail/inbound
per address, and directory sync calls (/scim/v2) per SCIM token. The limits
are put on the views by endpoint name once every blueprint is registered, so the views
themselves stay free of them. The numbers are settings (`RATELIMIT_*` in config.py), read at
each request. Failed sign-ins are not refused by a limit, which would let anyone lock an
account: they make the next attempt wait (app/auth/backoff.py, on the same storage).
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app.people.models import normalize_email

# `style-src` allows inline styles: a few pages and the emails shown in the development
# mailbox use style attributes. Scripts never run inline.
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# JSON, CSV, calendars and files are data, never documents to run or frame.
DATA_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'"}
REFERRER_POLICY = "same-origin"
# The public files: the stylesheet and the help button's script, cached as Flask sends them.
STATIC_ENDPOINTS = {"static", "help.static"}

# Which answer means a question was saved: only those count against the asking limit, so a
# form sent back with a mistake, or the "check my question" button, costs nothing.
ASKED = {"help.ask": {302}, "help.embed": {200}, "help_api.Questions": {201}}


def init_security(app: Flask) -> None:
    """Trust the configured proxies, add the security headers and put the rate limits on."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(add_security_headers)
    init_rate_limits(app)


# Headers


def parse_policy(header: str) -> dict[str, str]:
    """Read a Content-Security-Policy header into {directive: sources}, in order."""
    policy: dict[str, str] = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        if name:
            policy.setdefault(name.lower(), sources.strip())
    return policy


def format_policy(policy: dict[str, str]) -> str:
    """Write {directive: sources} as a Content-Security-Policy header."""
    return "; ".join(f"{name} {sources}".strip() for name, sources in policy.items())


def add_security_headers(response):
    """Complete the response's security headers; a directive the view set itself wins."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if hsts := current_app.config.get("STRICT_TRANSPORT_SECURITY"):
        response.headers.setdefault("Strict-Transport-Security", hsts)
    # Nothing but the public files is kept by a browser or a cache: pages and API answers are
    # about the person who asked (a calendar feed says itself how long it may be kept).
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers.setdefault("Cache-Control", "no-store")
    base = PAGE_POLICY if response.mimetype == "text/html" else DATA_POLICY
    own = parse_policy(response.headers.get("Content-Security-Policy", ""))
    policy = {**own, **{name: sources for name, sources in base.items() if name not in own}}
    response.headers["Content-Security-Policy"] = format_policy(policy)
    if policy["frame-ancestors"] == "'none'":
        response.headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    return response


# Rate limits


def client_address() -> str:
    """The address the request came from (through TRUSTED_PROXIES, the client's own)."""
    return request.remote_addr or "unknown"


def signing_in_account() -> str:
    """The email address a request to sign in names (a link asked for, say)."""
    try:
        email = normalize_email(request.form.get("email", ""))
    except HTTPException:  # a body too large: the view answers 413 when it reads the form
        email = ""
    return f"account:{email}" if email else f"address:{client_address()}"


def asking_person() -> str:
    """The person asking: the API token's owner or the signed-in person, else the address."""
    person = g.get("api_user") or current_user
    if getattr(person, "is_authenticated", False):
        return f"person:{person.id}"
    return f"address:{client_address()}"


def scim_token() -> str:
    """The SCIM token a directory sync request carries (a digest of it), else the address."""
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if secret:
        return "scim:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return f"address:{client_address()}"


def setting(name: str):
    """A limit read from the settings at each request, so a change needs no new app."""
    return lambda: current_app.config[name]


def saved_a_question(response) -> bool:
    """Tell whether this answer to an ask is the one that saved a question."""
    return response.status_code in ASKED.get(request.endpoint, ())


def no_mail_in() -> bool:
    """Without its secret, /mail/inbound does not exist: there is nothing to count."""
    return not current_app.config["INBOUND_MAIL_SECRET"]


def limits_storage_uri(config) -> str:
    """Where every limit is counted, in the words of the `limits` library: the Redis of
    RATELIMIT_STORAGE_URI, else the app's own."""
    storage = config.get("RATELIMIT_STORAGE_URI") or config["REDIS_URL"]
    if storage.startswith("unix://"):
        storage = "redis+" + storage  # the embedded development Redis listens on a socket
    return storage


def init_rate_limits(app: Flask) -> None:
    """Count sign-ins, asks and mail in, in the app's Redis; keep the limiter in app.extensions."""
    limiter = Limiter(client_address, storage_uri=limits_storage_uri(app.config))
    limiter.init_app(app)
    app.extensions["rate_limits"] = limiter

    def links_asked(limit: str, what: str) -> tuple:
        """The two limits on asking for links by email: per address asked for (the setting
        `limit`) and per address asking (`limit` + "_ADDRESS")."""
        by_account = limiter.limit(
            setting(limit),
            key_func=signing_in_account,
            methods=["POST"],
            error_message=f"Many {what} were asked for this email address; any sent still work.",
        )
        by_address = limiter.limit(
            setting(f"{limit}_ADDRESS"),
            methods=["POST"],
            error_message=f"Many {what} were asked for from your address.",
        )
        return by_account, by_address

    link_by_account, link_by_address = links_asked("RATELIMIT_SIGN_IN_LINK", "links to sign in")
    reset_by_account, reset_by_address = links_asked("RATELIMIT_PASSWORD_RESET", "links to set a password")
    asking = limiter.shared_limit(
        setting("RATELIMIT_ASK"),
        scope="ask",
        key_func=asking_person,
        methods=["POST"],
        deduct_when=saved_a_question,
        error_message="You have asked many questions in a short time; this one was not saved.",
    )
    mail_in = limiter.limit(
        setting("RATELIMIT_INBOUND_MAIL"),
        methods=["POST"],
        exempt_when=no_mail_in,
        error_message="Too much mail was handed in from your address; this email was not kept.",
    )

    slack_link = limiter.limit(
        setting("RATELIMIT_SLACK_LINK"),
        key_func=asking_person,
        methods=["POST"],
        error_message="You asked Slack for your account several times just now; try again in a few minutes.",
    )

    scim = limiter.shared_limit(
        setting("RATELIMIT_SCIM"),
        scope="scim",
        key_func=scim_token,
        error_message="Too many directory sync requests with this token.",
    )

    limit_views(app, "auth.ask_for_link", link_by_address, link_by_account)
    limit_views(app, "auth.forgot_password", reset_by_address, reset_by_account)
    for endpoint in [name for name in app.view_functions if name.startswith("scim.")]:
        limit_views(app, endpoint, scim)
    for endpoint in ASKED:
        limit_views(app, endpoint, asking)
    limit_views(app, "mail.incoming_mail", mail_in)
    if "slack.link_me" in app.view_functions:  # the Slack app is set up
        limit_views(app, "slack.link_me", slack_link)


def limit_views(app: Flask, endpoint: str, *limits) -> None:
    """Put limits on the view of an endpoint (a missing endpoint is a mistake: KeyError)."""
    view = app.view_functions[endpoint]
    for limit in limits:
        view = limit(view)
    app.view_functions[endpoint] = view


def retry_after_seconds(default: int = 60) -> int:
    """Seconds until the limit this request ran into lets the next one through."""
    limiter: Limiter | None = current_app.extensions.get("rate_limits")
    try:
        reached = limiter.current_limit if limiter else None
        if reached is not None:
            return max(1, math.ceil(reached.window[0] - time.time()))
    except Exception:  # the counters' store went away: say something sensible all the same
        pass
    return default


def reset_rate_limits(app: Flask) -> None:
    """Forget every count (tests, or after raising a limit by hand)."""
    limiter: Limiter | None = app.extensions.get("rate_limits")
    if limiter is not None and limiter.enabled:
        limiter.reset()
