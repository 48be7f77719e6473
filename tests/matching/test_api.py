"""The mentorships API: who may call what, each action read back, and every answer matching
the OpenAPI document."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import SkillKind
from matching.models import FitAnswer, Mentorship, MentorshipState
from tests.api.test_openapi import DOC_URL, conforms, documented_schema
from tests.matching.mentorship_cast import API, CODES, REASONS, assert_error, bearer, propose

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
    "list": (401, 200, 200, 200, 200),
    "show": (401, 404, 404, 200, 200),  # a proposal is its mentor's: the new hire sees it once it starts
    "accept": (401, 404, 404, 200, 403),
    "decline": (401, 404, 404, 200, 403),
    "end": (401, 404, 200, 200, 403),
    "fit": (401, 404, 200, 200, 403),
    "my mentor": (401, 200, 200, 200, 200),
}
CALLERS = ("no token", "other person", "new hire", "mentor", "admin")


@pytest.mark.parametrize(
    "endpoint, caller, expected",
    [
        pytest.param(endpoint, caller, status, id=f"{endpoint}-{caller}")
        for endpoint, statuses in ACCESS.items()
        for caller, status in zip(CALLERS, statuses, strict=True)
    ],
)
def test_access(client, cast, saved, endpoint, caller, expected):
    method, path, body, state = ENDPOINTS[endpoint]
    mentorship = propose(cast.new_hire, cast.mentor, accepted=state == MentorshipState.ACTIVE)
    person = {
        "no token": None,
        "other person": cast.other,
        "new hire": cast.new_hire,
        "mentor": cast.mentor,
        "admin": cast.admin,
    }[caller]
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
    for action, body in [
        ("", None),
        ("/accept", None),
        ("/decline", None),
        ("/end", {"reason": "x"}),
        ("/fit", {"good_fit": True}),
    ]:
        for mentorship_id in (theirs.id, 999999):
            response = client.open(
                f"{API}/mentorships/{mentorship_id}{action}",
                json=body,
                headers=headers,
                method="POST" if action else "GET",
            )
            assert (response.status_code, response.get_json()) == (404, NOT_FOUND), action
    assert saved() == before


# Reading


def expected_mentorship(mentorship: Mentorship, **changes) -> dict:
    """The API's answer for a mentorship as its new hire sees it, with the given changes."""
    db.session.refresh(mentorship)

    def moment(value):
        return value.isoformat() if value else None

    return {
        "id": mentorship.id,
        "state": mentorship.state.value,
        "source": mentorship.source,
        "new_hire": {"id": mentorship.new_hire_id, "name": mentorship.new_hire.name},
        "mentor": {"id": mentorship.mentor_id, "name": mentorship.mentor.name},
        "score": 71.4,
        "reasons": REASONS,
        "proposed_at": moment(mentorship.proposed_at),
        "expires_at": moment(mentorship.expires_at),
        "decided_at": moment(mentorship.decided_at),
        "started_at": moment(mentorship.started_at),
        "ends_at": moment(mentorship.ends_at),
        "ended_at": moment(mentorship.ended_at),
        "fit_check_due_at": moment(mentorship.fit_check_due_at),
        "ended_by": None,
        "end_reason": "",
        "worked_out": None,
        "your_fit_answer": None,
        **changes,
    }


def test_the_mentor_sees_a_proposal_with_its_score_and_reasons_the_new_hire_that_one_is_on_its_way(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor)
    as_new_hire, as_mentor = bearer(cast.new_hire), bearer(cast.mentor)

    for_mentor = client.get(f"{API}/mentorships/{mentorship.id}", headers=as_mentor).get_json()
    assert {**for_mentor, "reasons": REASONS} == expected_mentorship(mentorship)
    assert (for_mentor["state"], for_mentor["decided_at"], for_mentor["started_at"]) == ("proposed", None, None)
    assert for_mentor["new_hire"] == {"id": cast.new_hire.id, "name": "Nina New"}
    # The mentor reads the reasons about the new hire rather than "you".
    assert [r["part"] for r in for_mentor["reasons"]] == ["skills", "seniority", "overlap"]
    assert "Nina New is 1/5" in for_mentor["reasons"][0]["text"]
    assert client.get(f"{API}/mentorships", headers=as_mentor).get_json() == [for_mentor]
    assert client.get(f"{API}/people/me/mentor", headers=as_mentor).get_json() == {
        "mentorship": None,
        "proposal": None,
        "waiting": None,
    }

    # The new hire learns only that a proposal is on its way, and by when it is answered.
    assert client.get(f"{API}/mentorships/{mentorship.id}", headers=as_new_hire).status_code == 404
    assert client.get(f"{API}/mentorships", headers=as_new_hire).get_json() == []
    assert client.get(f"{API}/people/me/mentor", headers=as_new_hire).get_json() == {
        "mentorship": None,
        "proposal": {"answer_by": mentorship.expires_at.isoformat()},
        "waiting": None,
    }


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
    response = client.post(
        f"{API}/mentorships/{mentorship.id}/decline", json={"note": "On leave soon."}, headers=bearer(cast.mentor)
    )
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["decided_at"]) != ("proposed", None)
    assert response.get_json()["end_reason"] == ""  # the note is for the admins, not the new hire
    db.session.refresh(mentorship)
    assert (mentorship.state, mentorship.end_reason) == (MentorshipState.DECLINED, "On leave soon.")

    jobs.run()
    [proposed] = client.get(f"{API}/mentorships?state=proposed", headers=bearer(backup)).get_json()
    assert client.get(f"{API}/people/me/mentor", headers=bearer(cast.new_hire)).get_json()["proposal"]
    client.post(f"{API}/mentorships/{proposed['id']}/accept", headers=bearer(backup))
    mine = client.get(f"{API}/people/me/mentor", headers=bearer(cast.new_hire)).get_json()
    assert (mine["mentorship"]["mentor"]["name"], mine["mentorship"]["source"]) == ("Bea Backup", "rematch")
    assert mine["mentorship"]["reasons"][0]["text"] == "Bea Backup teaches SQL at 3/5, Nina New is at 1/5"


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
    response = client.post(
        f"{API}/mentorships/{mentorship.id}/end",
        json={"reason": "  Different time zones after all.  ", "worked_out": False},
        headers=headers,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    ended = response.get_json()
    assert (ended["state"], ended["end_reason"], ended["worked_out"]) == (
        "ended",
        "Different time zones after all.",
        False,
    )
    assert ended["ended_by"] == {"id": person.id, "name": person.name} and ended["ended_at"]
    assert client.get(f"{API}/mentorships/{mentorship.id}", headers=bearer(cast.admin)).get_json()["state"] == "ended"
    db.session.refresh(mentorship)
    assert (mentorship.state, mentorship.ended_badly, mentorship.ended_by_id) == (
        MentorshipState.ENDED,
        True,
        person.id,
    )


def test_ending_without_saying_whether_it_worked_out_means_it_did(client, cast):
    mentorship = propose(cast.new_hire, cast.mentor, accepted=True)
    response = client.post(
        f"{API}/mentorships/{mentorship.id}/end", json={"reason": "Programme done"}, headers=bearer(cast.mentor)
    )
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
    answers = db.session.execute(
        sa.select(FitAnswer.user_id, FitAnswer.good_fit).where(FitAnswer.mentorship_id == mentorship.id)
    ).all()
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
    assert ids(bearer(second_hire)) == []  # still a proposal: the new hire sees it once it starts
    assert ids(bearer(cast.new_hire)) == [first.id]
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
