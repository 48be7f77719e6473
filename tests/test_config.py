"""Settings: production refuses to start half-configured; URLs get the right driver."""

import pytest

from app.factory import create_app
from config import ProductionConfig, config_from_environment, database_url

BASE = "https://unstuck.example.com"


@pytest.mark.parametrize(
    "env, missing",
    [
        ({}, "SECRET_KEY, DATABASE_URL and BASE_URL"),
        ({"BASE_URL": BASE}, "SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": "s3cret", "BASE_URL": BASE}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://db/unstuck", "BASE_URL": BASE}, "SECRET_KEY"),
        ({"SECRET_KEY": "s3cret", "DATABASE_URL": "postgresql://db/unstuck"}, "BASE_URL"),
        ({"SECRET_KEY": "s3cret", "DATABASE_URL": "postgresql://db/unstuck", "BASE_URL": "  "}, "BASE_URL"),
    ],
)
def test_production_refuses_to_start_without_secrets_or_its_address(monkeypatch, env, missing):
    for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=f"without {missing} set"):
        create_app(ProductionConfig)


def test_production_says_what_base_url_is_for(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/unstuck")
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="the address people reach Unstuck at"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("url", ["unstuck.example.com", "ftp://unstuck.example.com", "https://"])
def test_production_refuses_a_base_url_that_is_no_web_address(monkeypatch, url):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/unstuck")
    monkeypatch.setenv("BASE_URL", url)
    with pytest.raises(RuntimeError, match="BASE_URL must be"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_the_installed_driver(url, expected):
    assert database_url(url) == expected


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("UNSTUCK_ENV", "staging")
    with pytest.raises(RuntimeError, match="UNSTUCK_ENV must be one of"):
        config_from_environment()
