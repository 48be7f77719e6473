"""Fixtures for the JSON API: tokens for people, and a look at what the database holds; and
the check of an error answer's shape."""

from __future__ import annotations

import pytest

from app.auth.models import ApiToken
from app.extensions import db

# The tables an API call may change; tokens are left out because a call may stamp one.
WATCHED_TABLES = ["users", "user_roles", "teams", "skills", "skill_aliases", "user_skills"]


API = "/api/v1"


def assert_error(response, status: int, code: str) -> dict:
    """Check an error answer's status and shape; return its per-field messages."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["fields"]


def bearer(secret: str) -> dict[str, str]:
    """Return the header that sends an API token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token(app):
    """Make a live API token for a person; return its secret."""

    def issue(user) -> str:
        _, secret = ApiToken.issue(user, "test")
        db.session.commit()
        return secret

    return issue


@pytest.fixture
def as_admin(make, token) -> dict[str, str]:
    """Headers of an admin's API call."""
    return bearer(token(make.admin(name="Ada Admin")))


@pytest.fixture
def as_new_hire(make, token) -> dict[str, str]:
    """Headers of a new hire's API call."""
    return bearer(token(make.user(name="Nina New")))


@pytest.fixture
def saved(committed_rows):
    """Return every committed row of the people tables, read on a connection of its own."""
    return lambda: committed_rows(WATCHED_TABLES)
