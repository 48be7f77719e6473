"""Slowing down password guessing without letting anyone lock a person out.

    attempt = try_password(email, password, address, known_browser)  # .user, or .wait, or neither

Failed sign-ins are counted against three things: the account, from browsers that never
signed in to it; the address they came from; and a known browser, one that signed in to
that account before (it shows a signed cookie, app/auth/devices.py) and so counts only its
own failures. The first few failures of each are free. After them each failure makes the
next attempt wait, twice as long as the one before (1 s, 2 s, 4 s ... up to
SIGN_IN_MAX_WAIT_SECONDS), and an attempt that comes too early is answered 429 with the
time to wait, whatever its password: only until then, and only for browsers the failures
came from. Nobody is shut out: a known browser is not held back by failures from elsewhere,
and a link by email (app/auth/links.py) signs in whatever the counts say.

Counts live with the rate limits (Flask-Limiter's storage, in Redis), in memory while that
Redis cannot be reached. A count is forgotten a day after its first failure, and an
account's when it signs in with its password.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app
from limits.storage import MemoryStorage, Storage

from app.extensions import db
from app.people.models import User, normalize_email

FIRST_WAIT_SECONDS = 1
FORGET_SECONDS = 24 * 3600


def wait_after(failures: int, free: int, longest: int) -> int:
    """Seconds the next attempt waits after this many failures, the first `free` costing nothing."""
    beyond = failures - free
    if beyond <= 0:
        return 0
    return min(longest, FIRST_WAIT_SECONDS * 2 ** min(beyond - 1, 32))


@dataclass(frozen=True)
class Counter:
    """One thing failures count against: its key, its free failures, and what a wait says."""

    key: str
    free: int
    reason: str


@dataclass(frozen=True)
class Wait:
    """How long a sign-in must wait, and why."""

    seconds: int
    reason: str


@dataclass(frozen=True)
class Attempt:
    """What a password attempt came to: the person it signs in, or a wait, or neither."""

    user: User | None = None
    wait: Wait | None = None


def try_password(email: str, password: str, address: str, known_browser: Callable[[int], str | None]) -> Attempt:
    """Check a password for an account, unless the failures before ask this attempt to wait.

    `known_browser(user_id)` names the browser if it signed in to that account before: then
    only its own failures count. A failure counts; signing in forgets the account's count
    (the address's goes on: one account's password says nothing of the others').
    """
    email = normalize_email(email)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    browser = known_browser(user.id) if user is not None else None
    account = for_account(email)
    counters = (
        []
        if not enabled()
        else [for_known_browser(browser)]
        if browser is not None
        else [account, for_address(address)]
    )
    if wait := waiting(counters):
        return Attempt(wait=wait)
    if user is None or not user.check_password(password) or not user.active:
        failed(counters)
        return Attempt()
    if account in counters:
        forget(account)
    return Attempt(user=user)


def for_account(email: str) -> Counter:
    """Failures for this account from browsers that never signed in to it."""
    return Counter(
        f"account/{email}",
        current_app.config["SIGN_IN_FREE_FAILURES"],
        "Too many failed sign-in attempts for this account.",
    )


def for_address(address: str) -> Counter:
    """Failures from this address, whatever the account, from browsers it does not know."""
    return Counter(
        f"address/{address}",
        current_app.config["SIGN_IN_FREE_FAILURES_PER_ADDRESS"],
        "Too many failed sign-in attempts from your address.",
    )


def for_known_browser(browser: str) -> Counter:
    """Failures of one known browser, for the account it knows."""
    return Counter(
        f"browser/{browser}",
        current_app.config["SIGN_IN_FREE_FAILURES"],
        "Too many failed sign-in attempts from this browser.",
    )


def waiting(counters: list[Counter]) -> Wait | None:
    """The longest wait any of the counters asks of this attempt, or None to go ahead."""
    waits = []
    for counter in counters:
        key = _wait_key(counter)
        if _run(lambda storage, key=key: storage.get(key)):
            until = _run(lambda storage, key=key: storage.get_expiry(key))
            waits.append(Wait(max(1, math.ceil(until - time.time())), counter.reason))
    return max(waits, key=lambda wait: wait.seconds, default=None)


def failed(counters: list[Counter]) -> None:
    """Count a failed attempt against each counter, and start the wait it earns."""
    longest = current_app.config["SIGN_IN_MAX_WAIT_SECONDS"]
    for counter in counters:
        failures = _run(lambda storage, counter=counter: storage.incr(_failures_key(counter), FORGET_SECONDS))
        if seconds := wait_after(failures, counter.free, longest):
            _run(lambda storage, counter=counter, seconds=seconds: storage.incr(_wait_key(counter), seconds))


def forget(counter: Counter) -> None:
    """Forget a counter's failures and wait (a sign-in with the right password)."""
    for key in (_failures_key(counter), _wait_key(counter)):
        _run(lambda storage, key=key: storage.clear(key))


def _failures_key(counter: Counter) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/sign-in/failures/{counter.key}"


def _wait_key(counter: Counter) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/sign-in/wait/{counter.key}"


def _run(operation):
    """Run a storage operation on the rate limits' storage, or in memory while it is away."""
    app = current_app._get_current_object()
    limiter = app.extensions["rate_limits"]
    storage: Storage = limiter.storage
    try:
        return operation(storage)
    except storage.base_exceptions:
        return operation(_memory(app))


def _memory(app: Flask) -> MemoryStorage:
    if "sign_in_backoff_memory" not in app.extensions:
        app.extensions["sign_in_backoff_memory"] = MemoryStorage()
    return app.extensions["sign_in_backoff_memory"]


def enabled() -> bool:
    """Sign-ins are counted when the rate limits are on (off only for a load test)."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))
