"""Production settings, used for real: the sign-in cookies go only over HTTPS, out of scripts'
reach and not with other sites' form posts, and a password set through the admin form is
stored with scrypt. The app is built from ProductionConfig (CSRF on, as it runs), on the
test's database and Redis.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.people.models import Role, User
from app.security import reset_rate_limits
from config import ProductionConfig

HTTPS = "https://unstuck.example.com"


@pytest.fixture
def production(app, backend, prepared_databases, redis_url, monkeypatch, jobs):
    """The app as production builds it, answering on HTTPS."""
    url = prepared_databases(backend)
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BASE_URL", "https://unstuck.example.com")
    built = create_app(
        ProductionConfig, SECRET_KEY="a-long-random-production-secret", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url
    )
    assert built.config["WTF_CSRF_ENABLED"] is not False
    reset_rate_limits(built)
    yield built
    reset_rate_limits(built)
    with built.app_context():
        db.engine.dispose()
    built.extensions["jobs"].connection.close()


def csrf_token(page) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page.get_data(as_text=True))
    assert field, "the page carries no CSRF token"
    return re.search(r'value="([^"]+)"', field[0])[1]


def sign_in(client, email: str, password: str, remember: bool = False):
    token = csrf_token(client.get("/sign-in", base_url=HTTPS))
    data = {"csrf_token": token, "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    # Over HTTPS, the CSRF check also wants the Referer a browser sends from Unstuck's own page.
    return client.post("/sign-in", base_url=HTTPS, data=data, headers={"Referer": f"{HTTPS}/sign-in"})


def cookies_set(response, everything: bool = False) -> dict[str, dict]:
    """The cookies a response sets, each with its attributes (lower-case names); with
    `everything`, also where they go (path, domain) and whether they are taken away."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            flags = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
            found[name] = {"secure": "secure" in flags, "httponly": "httponly" in flags, "samesite": morsel["samesite"]}
            if everything:
                found[name].update(path=morsel["path"], domain=morsel["domain"], removed=morsel.value == "")
    return found


SESSION, REMEMBER = "__Host-session", "__Host-remember"


def test_signing_in_in_production_sets_secure_http_only_lax_cookies(production, make):
    ada = make.user(email="ada@example.com", roles=(Role.ADMIN,))
    client = production.test_client()
    refused = client.post("/sign-in", base_url=HTTPS, data={"email": ada.email, "password": make.PASSWORD})
    assert refused.status_code == 400  # no CSRF token: production checks it
    response = sign_in(client, ada.email, make.PASSWORD, remember=True)
    assert response.status_code == 302
    cookies = cookies_set(response)
    assert set(cookies) >= {SESSION, REMEMBER}
    for name in (SESSION, REMEMBER):
        assert cookies[name] == {"secure": True, "httponly": True, "samesite": "Lax"}, name
    assert client.get("/", base_url=HTTPS).status_code == 200


def test_production_cookies_are_host_cookies_no_sibling_site_can_set_or_read(production, make):
    # A `__Host-` cookie is one a browser keeps only if it is Secure, for Path=/ and without a
    # Domain: evil.example.com cannot plant one for unstuck.example.com, nor receive it.
    ada = make.user(email="ada@example.com")
    client = production.test_client()
    signed_in = cookies_set(sign_in(client, ada.email, make.PASSWORD, remember=True), everything=True)
    signed_out = cookies_set(
        client.post(
            "/sign-out",
            base_url=HTTPS,
            headers={"Referer": f"{HTTPS}/"},
            data={"csrf_token": csrf_token(client.get("/", base_url=HTTPS))},
        ),
        everything=True,
    )
    assert set(signed_in) >= {SESSION, REMEMBER} and REMEMBER in signed_out
    assert signed_out[REMEMBER]["removed"]
    for name, attributes in [*signed_in.items(), *signed_out.items()]:
        assert name.startswith("__Host-"), name
        assert attributes["secure"] and attributes["path"] == "/" and attributes["domain"] == "", (name, attributes)


def test_signing_in_starts_a_new_session_so_a_planted_csrf_secret_is_worth_nothing(production, make):
    # A sibling site (or anyone who handed the browser a session cookie) knows the CSRF token of
    # the session the person signs in with; after signing in, it must not work.
    ada = make.user(email="ada@example.com")
    attacker = production.test_client()
    known_token = csrf_token(attacker.get("/sign-in", base_url=HTTPS))
    planted = attacker.get_cookie(SESSION, domain="unstuck.example.com").value
    victim = production.test_client()
    victim.set_cookie(SESSION, planted, domain="unstuck.example.com")
    before = victim.post(
        "/sign-in",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/sign-in"},
        data={"csrf_token": known_token, "email": ada.email, "password": "a typo"},
    )
    assert "do not match an account" in before.get_data(as_text=True)  # the known token works until then
    assert sign_in(victim, ada.email, make.PASSWORD).status_code == 302
    assert victim.get_cookie(SESSION, domain="unstuck.example.com").value != planted

    forged = victim.post(
        "/profile/tokens",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/profile"},
        data={"csrf_token": known_token, "name": "the attacker's"},
    )
    assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    own = victim.post(
        "/profile/tokens",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/profile"},
        data={"csrf_token": csrf_token(victim.get("/profile", base_url=HTTPS)), "name": "mine"},
    )
    assert own.status_code == 200 and db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1


def test_a_password_set_in_production_is_stored_with_scrypt_and_signs_in(production, make):
    ada = make.user(email="ada@example.com", roles=(Role.ADMIN,))
    client = production.test_client()
    assert sign_in(client, ada.email, make.PASSWORD).status_code == 302
    form = client.get("/admin/people/new", base_url=HTTPS)
    added = client.post(
        "/admin/people/new",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/admin/people/new"},
        data={
            "csrf_token": csrf_token(form),
            "email": "mia@example.com",
            "name": "Mia",
            "roles": "mentor",
            "team_id": "",
            "level": "1",
            "timezone": "UTC",
            "work_start": "09:00",
            "work_end": "17:00",
            "max_mentees": "2",
            "max_open_questions": "5",
            "password": "a long passphrase",
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)

    stored = db.session.scalar(sa.select(User.password_hash).where(User.email == "mia@example.com"))
    assert stored.startswith("scrypt:") and "a long passphrase" not in stored
    client.post(
        "/sign-out",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/"},
        data={"csrf_token": csrf_token(client.get("/", base_url=HTTPS))},
    )
    fresh = production.test_client()
    assert sign_in(fresh, "mia@example.com", "wrong passphrase").status_code == 400
    assert sign_in(fresh, "mia@example.com", "a long passphrase").status_code == 302
