"""The mentorships API refuses bad input with the right status and error body, and nothing
changes."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from matching.models import MentorshipState
from tests.matching.mentorship_cast import API, CODES, assert_error, bearer, propose

MISSING = "Missing data for required field."
BAD_INPUT = [
    # action, body, status, fields (name -> part of the message)
    ("end", None, 422, {"reason": MISSING}),
    ("end", {}, 422, {"reason": MISSING}),
    ("end", {"reason": "   "}, 422, {"reason": "a few words"}),
    ("end", {"reason": "x" * 501}, 422, {"reason": "Longer than maximum length 500"}),
    (
        "end",
        {"reason": 7, "worked_out": "yes"},
        422,
        {"reason": "Not a valid string", "worked_out": "Not a valid boolean"},
    ),
    ("end", {"reason": "Done", "worked_out": None}, 422, {"worked_out": "may not be null"}),
    ("end", {"reason": "Done", "ended_badly": True}, 422, {"ended_badly": "Unknown field"}),
    ("end", ["Done"], 422, {"_schema": "Invalid input type"}),
    ("end", '{"reason": ', 400, {}),
    ("fit", {}, 422, {"good_fit": MISSING}),
    ("fit", {"good_fit": "no"}, 422, {"good_fit": "Not a valid boolean"}),
    ("fit", {"good_fit": 0}, 422, {"good_fit": "Not a valid boolean"}),
    ("decline", {"note": 5}, 422, {"note": "Not a valid string"}),
    ("decline", {"note": "n" * 501}, 422, {"note": "Longer than maximum length 500"}),
    ("decline", "not json", 400, {}),
]


@pytest.mark.parametrize(
    "action, body, status, fields", BAD_INPUT, ids=[f"{a} {json.dumps(b)[:30]} {s}" for a, b, s, _ in BAD_INPUT]
)
def test_bad_input_is_answered_and_nothing_changes(client, cast, saved, action, body, status, fields):
    mentorship = propose(cast.new_hire, cast.mentor, accepted=action != "decline")
    headers = bearer(cast.mentor)
    if isinstance(body, str):  # sent as it is, so that it can be broken JSON
        sent = {"data": body, "content_type": "application/json"}
    else:
        sent = {"json": body}
    before = saved()
    response = client.post(f"{API}/mentorships/{mentorship.id}/{action}", headers=headers, **sent)
    messages = assert_error(response, status, CODES[status])["fields"]
    assert set(messages) == set(fields)
    for name, part in fields.items():
        assert any(part.lower() in message.lower() for message in messages[name]), messages[name]
    assert saved() == before


def test_an_unknown_state_filter_is_refused(client, cast):
    response = client.get(f"{API}/mentorships?state=paused", headers=bearer(cast.admin))
    assert "Must be one of" in assert_error(response, 422, "invalid")["fields"]["state"][0]


def conflict(client, url: str, headers, saved, body=None) -> str:
    """Post, expect a 409 that changes nothing, and return its message."""
    before = saved()
    response = client.post(url, json=body, headers=headers)
    error = assert_error(response, 409, "conflict")
    assert error["fields"] == {}
    assert saved() == before
    return error["message"]


def test_accepting_twice_is_a_conflict(client, cast, saved):
    mentorship = propose(cast.new_hire, cast.mentor)
    headers = bearer(cast.mentor)
    url = f"{API}/mentorships/{mentorship.id}/accept"
    assert client.post(url, headers=headers).status_code == 200
    assert conflict(client, url, headers, saved) == "This proposal is already active."
    assert conflict(client, f"{API}/mentorships/{mentorship.id}/decline", headers, saved) == (
        "This proposal is already active."
    )


def test_a_mentor_with_no_free_slot_cannot_accept(client, make, cast, saved):
    cast.mentor.max_mentees = 1
    db.session.commit()
    propose(make.user(name="Fay First", password=None), cast.mentor, accepted=True)
    mentorship = propose(cast.new_hire, cast.mentor)
    message = conflict(client, f"{API}/mentorships/{mentorship.id}/accept", bearer(cast.mentor), saved)
    assert message.startswith("You already mentor 1 of at most 1 people.")
    db.session.refresh(mentorship)
    assert mentorship.state == MentorshipState.PROPOSED


def test_only_an_active_mentorship_can_be_ended_or_answered_for(client, cast, saved):
    mentorship = propose(cast.new_hire, cast.mentor)
    headers = bearer(cast.mentor)
    url = f"{API}/mentorships/{mentorship.id}"
    assert conflict(client, f"{url}/end", headers, saved, {"reason": "Changed my mind"}) == (
        "This mentorship is proposed, not active."
    )
    assert conflict(client, f"{url}/fit", headers, saved, {"good_fit": True}) == (
        "This mentorship is proposed, not active."
    )


def test_another_mentor_cannot_accept_and_learns_nothing(client, cast, saved):
    mentorship = propose(cast.new_hire, cast.mentor)
    before = saved()
    response = client.post(f"{API}/mentorships/{mentorship.id}/accept", headers=bearer(cast.other))
    assert assert_error(response, 404, "not_found")["message"] == "There is nothing here."
    assert saved() == before
    db.session.refresh(mentorship)
    assert mentorship.state == MentorshipState.PROPOSED
