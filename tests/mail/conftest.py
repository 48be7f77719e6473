"""Fixtures for received mail: a feature that records the replies handed to it, the mentor
who writes them, and that mentor's reply address."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import Reply, register_reply_handler

PURPOSE = "test-reply"  # the feature these tests stand in for
OBJECT_ID = 42
# A mentor and a reply address, for reading mail without the app.
MENTOR = "grace@example.com"
REPLY_TO = "reply+abcdefghijklmnopqrstuvwx@localhost"


@pytest.fixture
def replies(app) -> list[Reply]:
    """The replies handed to the feature that owns PURPOSE."""
    got: list[Reply] = []
    register_reply_handler(app, PURPOSE, got.append)
    return got


@pytest.fixture
def mentor(make):
    return make.mentor(name="Grace Hopper", email="grace@example.com")


@pytest.fixture
def address(app, mentor) -> str:
    """Grace's reply address for object OBJECT_ID of the feature."""
    made = reply_address(PURPOSE, OBJECT_ID, mentor.id)
    db.session.commit()
    return made
