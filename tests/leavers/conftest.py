"""Fixtures of the leaver tests."""

import pytest

from tests.leavers.scene import Office, build


@pytest.fixture
def office(make, smtp, jobs) -> Office:
    """The office Mia leaves, its invites and mentorship mails sent (and forgotten)."""
    built = build(make, jobs)
    smtp.received.clear()
    return built
