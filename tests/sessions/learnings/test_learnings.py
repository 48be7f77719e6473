"""Adding learnings on the week's page and taking them back: errors are refused with a
message and save nothing, and only current invitees add to a week that is open."""

from __future__ import annotations

import html
from datetime import date

import pytest

from app.extensions import db, utcnow
from sessions.models import Learning, LearningKind
from sessions.series import services
from tests.sessions.learnings.scene import STUCK, Scene, add, learnings, page

# -- adding -------------------------------------------------------------------------------------


def test_a_member_adds_a_learning_and_sees_it_as_their_own(client, auth, s):
    auth.sign_in(s.ana)
    response = client.post(s.url(), data={"kind": "stuck", "text": f"  {STUCK}\n "})
    assert response.status_code == 302 and response.location.endswith(s.url())

    [saved] = learnings(s)
    assert (saved.author_id, saved.kind, saved.text, saved.via) == (s.ana.id, LearningKind.STUCK, STUCK, "web")
    shown = html.unescape(client.get(s.url()).get_data(as_text=True))
    assert "Only you can see it until the session starts." in shown
    assert "Your entries (1)" in shown and f"Where I got stuck</span> {STUCK}" in shown
    assert "Entries are anonymous" in shown and "hidden from everyone else until the session starts" in shown


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"kind": "learned", "text": "   "}, "Write a sentence or two."),
        (
            {"kind": "", "text": "Squash before rebasing."},
            "Choose what it is: what you learned, what you want to learn or where you got stuck.",
        ),
        ({"kind": "gossip", "text": "Squash before rebasing."}, "Choose what it is"),
        ({"kind": "want", "text": "x" * 501}, "at most 500 characters (this has 501)."),
    ],
)
def test_a_wrong_entry_is_refused_with_a_message_and_nothing_is_saved(client, auth, s, data, field_message):
    add(s, "ana", "Squash before rebasing.")
    auth.sign_in(s.ana)
    response = client.post(s.url(), data=data)
    assert response.status_code == 400
    assert field_message in html.unescape(response.get_data(as_text=True))
    assert [x.text for x in learnings(s)] == ["Squash before rebasing."]


def test_an_entry_added_after_the_start_shows_to_everyone_at_once(client, auth, s):
    auth.sign_in(s.ana)
    response = client.post(s.url(s.past), data={"kind": "learned", "text": "Late, but here."}, follow_redirects=True)
    assert "Added. Everyone at the session can see it now." in response.get_data(as_text=True)
    assert "Late, but here." in page(client, auth, s, "bo", s.past)


def test_500_characters_are_enough(client, auth, s):
    auth.sign_in(s.ana)
    assert client.post(s.url(), data={"kind": "want", "text": "y" * 500}).status_code == 302
    assert [len(x.text) for x in learnings(s)] == [500]


def test_user_text_is_escaped(client, auth, s):
    add(s, "ana", "<script>alert('x')</script> is not run")
    auth.sign_in(s.ana)
    body = client.get(s.url()).get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_the_form_needs_its_csrf_token(app, client, auth, s):
    auth.sign_in(s.ana)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(s.url(), data={"kind": "learned", "text": "No token."}).status_code == 400
        body = client.get(s.url()).get_data(as_text=True)
        token = body.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert (
            client.post(s.url(), data={"kind": "learned", "text": "With a token.", "csrf_token": token}).status_code
            == 302
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert [x.text for x in learnings(s)] == ["With a token."]


def test_nothing_can_be_added_to_a_closed_week(client, auth, s):
    week = s.week(s.past)
    add(s, "ana", "Added before the close.", day=s.past)
    week.closed_at = utcnow()
    db.session.commit()
    auth.sign_in(s.ana)
    body = client.get(s.url(s.past)).get_data(as_text=True)
    assert "The session is closed." in body and 'name="text"' not in body
    response = client.post(s.url(s.past), data={"kind": "learned", "text": "Too late."})
    assert response.status_code == 409
    assert "is closed, so learnings can no longer be added" in response.get_data(as_text=True)
    assert [x.text for x in learnings(s, s.past)] == ["Added before the close."]


def test_nothing_can_be_added_to_a_skipped_week(client, auth, s):
    services.skip_week(s.series.id, s.day)
    db.session.commit()
    auth.sign_in(s.ana)
    assert "This week's session is skipped." in client.get(s.url()).get_data(as_text=True)
    response = client.post(s.url(), data={"kind": "learned", "text": "Anyway."})
    assert response.status_code == 409 and "is skipped" in response.get_data(as_text=True)
    assert learnings(s) == []


def test_only_current_invitees_add_learnings(client, auth, s):
    auth.sign_in(s.admin)  # may see the page, is not invited
    body = client.get(s.url()).get_data(as_text=True)
    assert 'name="text"' not in body
    response = client.post(s.url(), data={"kind": "learned", "text": "From the admin."})
    assert response.status_code == 409
    assert "Only the people invited to" in html.unescape(response.get_data(as_text=True))
    assert learnings(s) == []


# -- taking back ---------------------------------------------------------------------------------


def delete_url(s: Scene, learning: Learning, day: date | None = None) -> str:
    return f"{s.url(day)}/learnings/{learning.id}/delete"


def test_a_member_takes_back_their_own_entry_before_the_start(client, auth, s):
    mine, theirs = add(s, "ana", "Mine."), add(s, "bo", "Bo's.")
    auth.sign_in(s.ana)
    assert client.post(delete_url(s, theirs)).status_code == 404
    assert client.post(delete_url(s, mine)).status_code == 302
    assert [x.text for x in learnings(s)] == ["Bo's."]


def test_an_entry_cannot_be_taken_back_once_the_session_started(client, auth, s):
    mine = add(s, "ana", "Said and seen.")
    s.week().started_at = utcnow()
    db.session.commit()
    auth.sign_in(s.ana)
    body = client.get(s.url()).get_data(as_text=True)
    assert "Take back" not in body
    response = client.post(delete_url(s, mine))
    assert response.status_code == 409
    assert "entries can no longer be taken back" in response.get_data(as_text=True)
    assert [x.text for x in learnings(s)] == ["Said and seen."]


def test_an_entry_is_taken_back_only_through_its_own_week(client, auth, s):
    mine = add(s, "ana", "Mine.")
    auth.sign_in(s.ana)
    assert client.post(delete_url(s, mine, s.past)).status_code == 404
    assert len(learnings(s)) == 1
