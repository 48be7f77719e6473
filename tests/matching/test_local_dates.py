"""A mentorship's dates are shown in the reader's own time zone, on pages and in emails: a
mentor in Auckland is asked to answer by her Friday, not by the server's Thursday."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.times import in_zone
from matching import notices
from tests.matching.test_lifecycle import mails_to, pair, sign_in, text_of

# Thursday 26 November, 15:00 UTC: Friday 04:00 in Auckland, Thursday 07:00 in Los Angeles.
EXPIRES = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_the_answer_by_day_is_each_readers_own(app, make, jobs, smtp, client, auth):
    ada, bo, proposal = pair(make, jobs)
    ada.timezone, bo.timezone = "Pacific/Auckland", "America/Los_Angeles"
    proposal.expires_at = EXPIRES
    db.session.commit()

    notices.reminder(proposal)
    db.session.commit()
    jobs.run()
    reminder = mails_to(smtp, ada)[-1]
    assert reminder["Subject"].startswith("Reminder:")
    assert "Please answer by Friday 27 November" in text_of(reminder)
    assert "Please answer by Friday 27 November" in reminder.get_body(("html",)).get_content()

    sign_in(auth, ada)
    assert "Please answer by Friday 27 November." in client.get("/mentoring").text
    auth.sign_out()
    sign_in(auth, bo)
    assert "at the latest by Thursday 26 November" in client.get("/mentor").text


@pytest.mark.parametrize(
    "zone, shown",
    [
        ("Pacific/Auckland", "27 Nov 2026, 04:00"),
        ("America/Los_Angeles", "26 Nov 2026, 07:00"),
        ("Europe/Berlin", "26 Nov 2026, 16:00"),
        ("", "26 Nov 2026, 15:00"),  # no zone: UTC
        ("Mars/Olympus_Mons", "26 Nov 2026, 15:00"),  # a zone this machine does not know: UTC
    ],
)
def test_a_moment_is_shown_in_the_zone_asked(zone, shown):
    assert in_zone(EXPIRES, zone) == shown


def test_no_moment_shows_nothing():
    assert in_zone(None, "Europe/Berlin") == ""
