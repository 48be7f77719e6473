"""Reminders carry a one-click unsubscribe (RFC 8058) that stops reminders, and only them."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from app.extensions import utcnow
from tests.matching.test_lifecycle import mails_to, pair, shift, text_of, upkeep


def half_time(proposal) -> None:
    now = utcnow()
    shift(proposal, proposed_at=now - timedelta(days=2), expires_at=now + timedelta(days=1))


def test_reminder_says_how_to_unsubscribe_in_header_and_footer(app, make, jobs, smtp):
    ada, bo, proposal = pair(make, jobs)
    [proposal_mail] = mails_to(smtp, ada)
    assert proposal_mail["List-Unsubscribe"] is None  # the proposal itself is not optional

    half_time(proposal)
    upkeep(jobs)
    reminder = mails_to(smtp, ada)[-1]
    header = reminder["List-Unsubscribe"]
    assert header.startswith("<http://localhost/mail/unsubscribe/mentoring-reminders/") and header.endswith(">")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in text_of(reminder)


def test_one_click_post_stops_reminders_but_not_proposals(app, make, jobs, smtp, client):
    ada, bo, proposal = pair(make, jobs)
    half_time(proposal)
    upkeep(jobs)
    url = urlsplit(mails_to(smtp, ada)[-1]["List-Unsubscribe"][1:-1])

    page = client.get(url.path)  # what a mail scanner sees changes nothing
    assert page.status_code == 200 and "Unsubscribe from mentoring reminders?" in page.text
    # A mail provider's one-click POST carries no CSRF token, only the signed URL.
    done = client.post(url.path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You will still get an email when someone asks you to mentor them." in done.text

    cy, di, second = pair(make, jobs, hire_name="Di Chen", mentor_name="Cy Young")
    assert len(mails_to(smtp, cy)) == 1
    shift(second, mentor_id=ada.id)
    half_time(second)
    upkeep(jobs)
    assert [m["Subject"] for m in mails_to(smtp, ada)] == [
        "Would you mentor Bo Jansen?",
        "Reminder: would you mentor Bo Jansen?",
    ]


def test_a_forged_unsubscribe_link_changes_nothing(app, make, jobs, smtp, client):
    ada, bo, proposal = pair(make, jobs)
    half_time(proposal)
    upkeep(jobs)
    path = urlsplit(mails_to(smtp, ada)[-1]["List-Unsubscribe"][1:-1]).path
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert client.post(forged).status_code == 400
    assert client.post(path.replace("mentoring-reminders", "no-such-topic")).status_code == 404
