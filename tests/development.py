"""Unstuck as it runs in development, for the tests of what only development has."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.factory import create_app
from config import TestConfig


def development_app(app: Flask, outbox: Path) -> Flask:
    """The app in development, on the test app's database and Redis, writing mail to `outbox`."""
    return create_app(
        TestConfig,
        ENV_NAME="development",
        REDIS_URL=app.config["REDIS_URL"],
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_OUTBOX_DIR=str(outbox),
    )
