"""Settings: production refuses to start half-configured; URLs get the right driver."""

import pytest

from app import create_app
from config import ProductionConfig, config_from_environment, database_url


@pytest.mark.parametrize("env, missing", [
    ({}, "SECRET_KEY and DATABASE_URL"),
    ({"SECRET_KEY": "s3cret"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db/unstuck"}, "SECRET_KEY"),
])
def test_production_refuses_to_start_without_secrets(monkeypatch, env, missing):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=f"without {missing} set"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize("url, expected", [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_the_installed_driver(url, expected):
    assert database_url(url) == expected


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("UNSTUCK_ENV", "staging")
    with pytest.raises(RuntimeError, match="UNSTUCK_ENV must be one of"):
        config_from_environment()
