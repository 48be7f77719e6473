"""Fixtures of the leaver tests."""

import pytest

from tests.leavers.scene import Office, build, received


@pytest.fixture
def office(make, smtp, jobs) -> Office:
    """The office Mia leaves, its invites and mentorship mails sent (and forgotten but Mia's
    invitation to the weekly session)."""
    built = build(make, jobs)
    built.invitation = next(m for m in received(smtp, built.mia) if "Invitation" in str(m["Subject"]))
    smtp.received.clear()
    return built
