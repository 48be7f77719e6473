"""The mentorships API: who may call what, each action read back, and bad input that
changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.people.models import Skill, SkillKind, User
from matching import services
from matching.models import FitAnswer, Mentorship, MentorshipState
from tests.api.test_openapi import DOC_URL, conforms, documented_schema

API = "/api/v1"
REASONS = [
    {"part": "skills", "points": 40.0, "text": "teaches SQL 4/5, you are 1/5"},
    {"part": "seniority", "points": 11.4, "text": "2 levels more senior (Senior)"},
    {"part": "overlap", "points": 20.0, "text": "8 h of shared working hours"},
]
# The tables a mentorship call may change (tokens are left out: every call stamps one).
WATCHED_TABLES = ["mentorships", "mentorship_fit_answers", "waiting_for_mentor", "outbound_mail", "users"]


def bearer(user: User) -> dict[str, str]:
    """Return the headers of an API call made with a new token of the person."""
    _, secret = ApiToken.issue(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def propose(new_hire: User, mentor: User, accepted: bool = False) -> Mentorship:
    """Make a proposal (accepted at once, if asked) the way matching does."""
    mentorship = services.create_proposal(new_hire.id, mentor.id, 71.4, REASONS, "join", 3)
    db.session.commit()
    if accepted:
        services.accept(mentorship.id, mentor.id)
    return mentorship


def assert_error(response, status: int, code: str) -> dict:
    """Check an error answer's status and shape; return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@dataclass
class Cast:
    """The two sides of a mentorship, a mentor outside it, an admin, and the skill taught."""

    new_hire: User
    mentor: User
    other: User
    admin: User
    sql: Skill


@pytest.fixture
def cast(make, jobs) -> Cast:
    """A new hire who wants to learn SQL, a mentor who teaches it, another mentor and an admin.

    They call the API with tokens only, so they have no password (hashing one is slow).
    """
    sql = make.skill("SQL")
    new_hire = make.user(name="Nina New", title="Backend Engineer", level=1, password=None)
    jobs.connection.flushdb()  # drop the proposal job joining queued: tests propose their own pairs
    make.user_skill(new_hire, sql, SkillKind.LEARN, 1)
    mentor = make.mentor(name="Max Mentor", title="Senior Backend Engineer", level=3, max_mentees=2,
                         password=None)
    make.user_skill(mentor, sql, SkillKind.TEACH, 4)
    other = make.mentor(name="Olga Other", max_mentees=2, password=None)
    return Cast(new_hire, mentor, other, make.admin(name="Ada Admin", password=None), sql)


@pytest.fixture
def saved(app):
    """Return every committed row of the matching tables, read on a connection of its own."""

    def rows() -> dict[str, list]:
        with db.engine.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(sa.text(f"SELECT * FROM {name}"))), key=repr)
                    for name in WATCHED_TABLES}

    return rows


# Who may call what

ENDPOINTS = {
    # name: method, path, body, the state the mentorship is in
    "list": ("GET", "/mentorships", None, MentorshipState.PROPOSED),
    "show": ("GET", "/mentorships/{id}", None, MentorshipState.PROPOSED),
    "accept": ("POST", "/mentorships/{id}/accept", None, MentorshipState.PROPOSED),
    "decline": ("POST", "/mentorships/{id}/decline", {"note": "Busy"}, MentorshipState.PROPOSED),
    "end": ("POST", "/mentorships/{id}/end", {"reason": "Done", "worked_out": True}, MentorshipState.ACTIVE),
    "fit": ("POST", "/mentorships/{id}/fit", {"good_fit": True}, MentorshipState.ACTIVE),
    "my mentor": ("GET", "/people/me/mentor", None, MentorshipState.PROPOSED),
}
ACCESS = {
    # endpoint:   no token, other person, new hire, mentor, admin
    "list":      (401, 200, 200, 200, 200),
    "show":      (401, 404, 200, 200, 200),
    "accept":    (401, 404, 403, 200, 403),
    "decline":   (401, 404, 403, 200, 403),
    "end":       (401, 404, 200, 200, 403),
    "fit":       (401, 404, 200, 200, 403),
    "my mentor": (401, 200, 200, 200, 200),
}
CALLERS = ("no token", "other person", "new hire", "mentor", "admin")
CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid",
         400: "bad_request"}


@pytest.mark.parametrize("endpoint, caller, expected", [
    pytest.param(endpoint, caller, status, id=f"{endpoint}-{caller}")
    for endpoint, statuses in ACCESS.items() for caller, status in zip(CALLERS, statuses)
])
def test_access(client, cast, saved, endpoint, caller, expected):
    method, path, body, state = ENDPOINTS[endpoint]
    mentorship = propose(cast.new_hire, cast.mentor, accepted=state == MentorshipState.ACTIVE)
    person = {"no token": None, "other person": cast.other, "new hire": cast.new_hire,
              "mentor": cast.mentor, "admin": cast.admin}[caller]
    headers = bearer(person) if person else {}
    before = saved()
    response = client.open(API + path.format(id=mentorship.id), method=method, json=body, headers=headers)
    if expected == 200:
        assert response.status_code == 200, response.get_data(as_text=True)
    else:
        assert assert_error(response, expected, CODES[expected])["fields"] == {}
        assert saved() == before


NOT_FOUND = {"error": {"code": "not_found", "message": "There is nothing here.", "fields": {}}}


@pytest.mark.parametrize("caller", ["new hire", "mentor"])
def test_someone_elses_mentorship_looks_like_one_that_does_not_exist(client, make, cast, saved, caller):
    propose(cast.new_hire, cast.mentor)
    theirs = propose(make.user(name="Tom Theirs", password=None), cast.other)
    headers = bearer(cast.new_hire if caller == "new hire" else cast.mentor)
    before = saved()
    for action, body in [("", None), ("/accept", None), ("/decline", None), ("/end", {"reason": "x"}),
                         ("/fit", {"good_fit": True})]:
        for mentorship_id in (theirs.id, 999999):
            response = client.open(f"{API}/mentorships/{mentorship_id}{action}", json=body, headers=headers,
                                   method="POST" if action else "GET")
            assert (response.status_code, response.get_json()) == (404, NOT_FOUND), action
    assert saved() == before


# Reading

def expected_mentorship(mentorship: Mentorship, **changes) -> dict:
    """The API's answer for a mentorship as its new hire sees it, with the given changes."""
    db.session.refresh(mentorship)

    def moment(value):
        return value.isoformat() if value else None

    return {
        "id": mentorship.id, "state": mentorship.state.value, "source": mentorship.source,
        "new_hire": {"id": mentorship.new_hire_id, "name": mentorship.new_hire.name},
        "mentor": {"id": mentorship.mentor_id, "name": mentorship.mentor.name},
        "score": 71.4, "reasons": REASONS,
        "proposed_at": moment(mentorship.proposed_at), "expires_at": moment(mentorship.expires_at),
        "decided_at": moment(mentorship.decided_at), "started_at": moment(mentorship.started_at),
        "ends_at": moment(mentorship.ends_at), "ended_at": moment(mentorship.ended_at),
        "fit_check_due_at": moment(mentorship.fit_check_due_at),
        "ended_by": None, "end_reason": "", "worked_out": None, "your_fit_answer": None,
        **changes,
    }


def test_both_sides_see_a_proposal_with_its_score_and_reasons(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor)
    as_new_hire, as_mentor = bearer(cast.new_hire), bearer(cast.mentor)

    shown = client.get(f"{API}/mentorships/{mentorship.id}", headers=as_new_hire).get_json()
    assert shown == expected_mentorship(mentorship)
    assert (shown["state"], shown["decided_at"], shown["started_at"]) == ("proposed", None, None)
    assert shown["new_hire"] == {"id": cast.new_hire.id, "name": "Nina New"}
    assert client.get(f"{API}/mentorships", headers=as_new_hire).get_json() == [shown]
    assert client.get(f"{API}/people/me/mentor", headers=as_new_hire).get_json() == {
        "mentorship": shown, "waiting": None}

    # The mentor reads the same reasons, about the new hire rather than "you".
    for_mentor = client.get(f"{API}/mentorships/{mentorship.id}", headers=as_mentor).get_json()
    assert {**for_mentor, "reasons": REASONS} == shown
    assert [r["part"] for r in for_mentor["reasons"]] == ["skills", "seniority", "overlap"]
    assert "Nina New is 1/5" in for_mentor["reasons"][0]["text"]
    assert client.get(f"{API}/people/me/mentor", headers=as_mentor).get_json() == {
        "mentorship": None, "waiting": None}


def test_a_mentor_accepts_and_both_sides_read_it_back(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor)
    response = client.post(f"{API}/mentorships/{mentorship.id}/accept", headers=bearer(cast.mentor))
    assert response.status_code == 200
    db.session.expire_all()
    active = expected_mentorship(mentorship)
    assert active["state"] == "active" and active["started_at"] and active["ends_at"]
    assert {**response.get_json(), "reasons": REASONS} == active

    as_new_hire = bearer(cast.new_hire)
    assert client.get(f"{API}/mentorships/{mentorship.id}", headers=as_new_hire).get_json() == active
    assert client.get(f"{API}/people/me/mentor", headers=as_new_hire).get_json()["mentorship"] == active
    assert mentorship.state == MentorshipState.ACTIVE


def test_a_mentor_declines_and_the_next_best_mentor_is_proposed(client, make, cast, jobs):
    mentorship = propose(cast.new_hire, cast.mentor)
    backup = make.mentor(name="Bea Backup", level=3, password=None)
    make.user_skill(backup, cast.sql, SkillKind.TEACH, 3)
    response = client.post(f"{API}/mentorships/{mentorship.id}/decline", json={"note": "On leave soon."},
                           headers=bearer(cast.mentor))
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["decided_at"]) != ("proposed", None)
    assert response.get_json()["end_reason"] == ""  # the note is for the admins, not the new hire
    db.session.refresh(mentorship)
    assert (mentorship.state, mentorship.end_reason) == (MentorshipState.DECLINED, "On leave soon.")

    jobs.run()
    mine = client.get(f"{API}/people/me/mentor", headers=bearer(cast.new_hire)).get_json()
    assert (mine["mentorship"]["mentor"]["name"], mine["mentorship"]["source"]) == ("Bea Backup", "rematch")
    assert mine["mentorship"]["reasons"][0]["text"] == "teaches SQL 3/5, you are 1/5"


def test_a_mentor_may_decline_without_a_note(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor)
    response = client.post(f"{API}/mentorships/{mentorship.id}/decline", headers=bearer(cast.mentor))
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.refresh(mentorship)
    assert (mentorship.state, mentorship.end_reason) == (MentorshipState.DECLINED, "")


@pytest.mark.parametrize("side", ["new hire", "mentor"])
def test_either_side_ends_a_mentorship_with_a_reason(client, cast, side):
    mentorship = propose(cast.new_hire, cast.mentor, accepted=True)
    person = cast.new_hire if side == "new hire" else cast.mentor
    headers = bearer(person)
    response = client.post(f"{API}/mentorships/{mentorship.id}/end",
                           json={"reason": "  Different time zones after all.  ", "worked_out": False},
                           headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    ended = response.get_json()
    assert (ended["state"], ended["end_reason"], ended["worked_out"]) == (
        "ended", "Different time zones after all.", False)
    assert ended["ended_by"] == {"id": person.id, "name": person.name} and ended["ended_at"]
    assert client.get(f"{API}/mentorships/{mentorship.id}", headers=bearer(cast.admin)).get_json()[
        "state"] == "ended"
    db.session.refresh(mentorship)
    assert (mentorship.state, mentorship.ended_badly, mentorship.ended_by_id) == (
        MentorshipState.ENDED, True, person.id)


def test_ending_without_saying_whether_it_worked_out_means_it_did(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor, accepted=True)
    response = client.post(f"{API}/mentorships/{mentorship.id}/end", json={"reason": "Programme done"},
                           headers=bearer(cast.mentor))
    assert response.get_json()["worked_out"] is True
    db.session.refresh(mentorship)
    assert mentorship.ended_badly is False


def test_each_side_answers_the_fit_check_and_sees_only_their_own_answer(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor, accepted=True)
    as_new_hire, as_mentor = bearer(cast.new_hire), bearer(cast.mentor)
    url = f"{API}/mentorships/{mentorship.id}"
    response = client.post(f"{url}/fit", json={"good_fit": False}, headers=as_new_hire)
    assert response.status_code == 200
    assert response.get_json()["your_fit_answer"] is False
    assert client.get(url, headers=as_mentor).get_json()["your_fit_answer"] is None
    assert client.get(url, headers=bearer(cast.admin)).get_json()["your_fit_answer"] is None

    client.post(f"{url}/fit", json={"good_fit": True}, headers=as_mentor)
    client.post(f"{url}/fit", json={"good_fit": True}, headers=as_new_hire)  # a change of mind
    assert client.get(url, headers=as_new_hire).get_json()["your_fit_answer"] is True
    answers = db.session.execute(sa.select(FitAnswer.user_id, FitAnswer.good_fit)
                                 .where(FitAnswer.mentorship_id == mentorship.id)).all()
    assert sorted(answers) == sorted([(cast.new_hire.id, True), (cast.mentor.id, True)])


def test_people_list_their_own_mentorships_and_admins_list_all(client, make, cast):
    first = propose(cast.new_hire, cast.mentor, accepted=True)
    second_hire = make.user(name="Sam Second", password=None)
    second = propose(second_hire, cast.mentor)
    third = propose(make.user(name="Tia Third", password=None), cast.other)

    def ids(headers, query: str = "") -> list[int]:
        response = client.get(f"{API}/mentorships{query}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [m["id"] for m in response.get_json()]

    as_admin = bearer(cast.admin)
    assert sorted(ids(as_admin)) == sorted([first.id, second.id, third.id])
    assert ids(as_admin, "?state=active") == [first.id]
    assert sorted(ids(as_admin, "?state=proposed")) == sorted([second.id, third.id])
    assert ids(as_admin, "?state=ended") == []
    as_mentor = bearer(cast.mentor)
    assert sorted(ids(as_mentor)) == sorted([first.id, second.id])
    assert ids(as_mentor, "?state=proposed") == [second.id]
    assert ids(bearer(second_hire)) == [second.id]
    assert ids(bearer(make.user(name="Una Unmatched", password=None))) == []

    response = client.get(f"{API}/mentorships?page=2&page_size=2", headers=as_admin)
    assert len(response.get_json()) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_a_new_hire_nobody_fits_reads_why_they_are_waiting(client, make, jobs):
    new_hire = make.user(name="Wes Waiting", password=None)
    make.user_skill(new_hire, make.skill("COBOL"), SkillKind.LEARN, 1)
    jobs.run()  # the proposal job that joining set off finds nobody
    mine = client.get(f"{API}/people/me/mentor", headers=bearer(new_hire)).get_json()
    assert mine["mentorship"] is None
    assert "COBOL" in mine["waiting"]["reason"] and mine["waiting"]["checked_at"]


# Bad input: the right status and error body, and nothing changed

MISSING = "Missing data for required field."
BAD_INPUT = [
    # action, body, status, fields (name -> part of the message)
    ("end", None, 422, {"reason": MISSING}),
    ("end", {}, 422, {"reason": MISSING}),
    ("end", {"reason": "   "}, 422, {"reason": "a few words"}),
    ("end", {"reason": "x" * 501}, 422, {"reason": "Longer than maximum length 500"}),
    ("end", {"reason": 7, "worked_out": "yes"}, 422, {"reason": "Not a valid string",
                                                      "worked_out": "Not a valid boolean"}),
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


@pytest.mark.parametrize("action, body, status, fields", BAD_INPUT,
                         ids=[f"{a} {json.dumps(b)[:30]} {s}" for a, b, s, _ in BAD_INPUT])
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
        "This proposal is already active.")


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
    headers = bearer(cast.new_hire)
    url = f"{API}/mentorships/{mentorship.id}"
    assert conflict(client, f"{url}/end", headers, saved, {"reason": "Changed my mind"}) == (
        "This mentorship is proposed, not active.")
    assert conflict(client, f"{url}/fit", headers, saved, {"good_fit": True}) == (
        "This mentorship is proposed, not active.")


def test_another_mentor_cannot_accept_and_learns_nothing(client, cast, saved):
    mentorship = propose(cast.new_hire, cast.mentor)
    before = saved()
    response = client.post(f"{API}/mentorships/{mentorship.id}/accept", headers=bearer(cast.other))
    assert assert_error(response, 404, "not_found")["message"] == "There is nothing here."
    assert saved() == before
    db.session.refresh(mentorship)
    assert mentorship.state == MentorshipState.PROPOSED


# The answers match the OpenAPI document

def test_every_answer_matches_the_document(client, make, cast):
    doc = client.get(DOC_URL).get_json()
    active = propose(cast.new_hire, cast.mentor, accepted=True)
    proposed = propose(make.user(name="Pia Proposed", password=None), cast.mentor)
    as_new_hire, as_mentor = bearer(cast.new_hire), bearer(cast.mentor)
    calls = [
        (as_mentor, "get", "/mentorships", None, 200),
        (as_mentor, "get", "/mentorships?state=bogus", None, 422),
        (as_new_hire, "get", f"/mentorships/{active.id}", None, 200),
        (as_new_hire, "get", "/people/me/mentor", None, 200),
        (as_new_hire, "post", f"/mentorships/{active.id}/fit", {"good_fit": True}, 200),
        (as_new_hire, "post", f"/mentorships/{proposed.id}/accept", None, 404),
        (as_new_hire, "post", f"/mentorships/{active.id}/accept", None, 403),
        (as_mentor, "post", f"/mentorships/{active.id}/accept", None, 409),
        (as_mentor, "post", f"/mentorships/{proposed.id}/decline", {"note": 3}, 422),
        (as_mentor, "post", f"/mentorships/{proposed.id}/decline", {}, 200),
        (as_mentor, "post", f"/mentorships/{active.id}/end", {"reason": "Done", "worked_out": False}, 200),
        ({}, "get", "/people/me/mentor", None, 401),
    ]
    for headers, method, path, body, status in calls:
        url = API + path
        response = client.open(url, method=method.upper(), json=body, headers=headers)
        assert response.status_code == status, (path, response.get_data(as_text=True))
        assert conforms(doc, documented_schema(doc, method, url, status), response.get_json()) == [], path
