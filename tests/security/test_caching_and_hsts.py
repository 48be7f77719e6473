"""What browsers and caches keep: a signed-in page or an API answer about a person is never
stored (`Cache-Control: no-store`), so the next person at a shared computer cannot bring it
back with the Back button or from a proxy; the public static files keep their caching. In
production, every answer says to use HTTPS only from now on (`Strict-Transport-Security`).
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.factory import create_app
from app.security import reset_rate_limits
from config import ProductionConfig
from tests.security.access_scene import build_scene

STATIC = ["/static/unstuck.css", "/help/static/help/button.js"]


@pytest.fixture
def scene(make, jobs):
    return build_scene(make)


def test_signed_in_pages_and_api_answers_are_never_stored(app, client, auth, scene):
    auth.sign_in(scene.people["new_hire"])
    pages = [
        "/",
        "/profile",
        "/help/questions",
        f"/help/questions/{scene.question.id}",
        "/mentor",
        "/feedback/",
        f"/sessions/{scene.series.id}",
        "/no/such/page",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    api = scene.api_headers("new_hire")
    for url in ("/api/v1/people/me", f"/api/v1/questions/{scene.question.id}", "/api/v1/questions"):
        response = client.get(url, headers=api)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    # The sign-in form (its CSRF token) neither.
    auth.sign_out()
    assert "no-store" in client.get("/sign-in").headers.get("Cache-Control", "")


def test_static_files_keep_their_caching(client, auth, make):
    auth.sign_in(make.user())
    for url in STATIC:
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        again.close()
        assert again.status_code == 304, url  # a browser's copy is still good


def test_production_answers_say_https_only_and_nothing_else_does(
    app, backend, prepared_databases, redis_url, monkeypatch, client
):
    url = prepared_databases(backend)
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BASE_URL", "https://unstuck.example.com")
    production = create_app(
        ProductionConfig, SECRET_KEY="a-long-random-production-secret", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_url
    )
    reset_rate_limits(production)
    try:
        web = production.test_client()
        for path in ("/sign-in", "/", "/health", "/api/v1/openapi.json", "/static/unstuck.css", "/nowhere"):
            response = web.get(path, base_url="https://unstuck.example.com")
            response.close()
            hsts = response.headers.get("Strict-Transport-Security", "")
            assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000, path
            assert "includeSubDomains" in hsts, path
    finally:
        with production.app_context():
            db.engine.dispose()
        production.extensions["jobs"].connection.close()
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers  # development and tests
