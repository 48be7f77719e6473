"""Known browsers: a signed cookie given at each sign-in, naming the account signed in to.

As OWASP's "device cookies" have it, a browser that shows one for the account it signs in
to counts its failed attempts on its own (app/auth/backoff.py), so guesses from elsewhere
never hold it back. The cookie proves nothing about the person: it only says this browser
signed in to that account before, and it cannot be made for another account or altered.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request

from app.tokens import TokenError, make_token, read_token

PURPOSE = "known-browser"


def known_browser(user_id: int) -> str | None:
    """The name of this browser if it signed in to the person's account before, else None."""
    config = current_app.config
    cookie = request.cookies.get(config["DEVICE_COOKIE_NAME"])
    if not cookie:
        return None
    try:
        link = read_token(cookie, PURPOSE, max_age_seconds=config["DEVICE_COOKIE_DAYS"] * 86400, object_id=user_id)
    except TokenError:
        return None
    return link.nonce


def remember_browser(response, user_id: int) -> None:
    """Give the browser a cookie saying it signed in to this account."""
    config = current_app.config
    response.set_cookie(
        # Its nonce tells one browser from another (it is never used up, as a link's is).
        config["DEVICE_COOKIE_NAME"],
        make_token(PURPOSE, user_id, user_id=user_id, single_use=True),
        max_age=timedelta(days=config["DEVICE_COOKIE_DAYS"]),
        path="/",
        secure=config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
