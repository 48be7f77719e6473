"""The home page shows a new hire their mentor (or that a proposal is on its way, never whom
it went to) and a mentor the mentee proposals waiting for their answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db, utcnow
from app.times import time_with_zone
from matching.models import Mentorship, MentorshipState, WaitingForMentor

NOTHING = "Nothing waits for you."


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def panel(client, name: str) -> str:
    return home(client).split(f'id="panel-{name}"')[1].split("</section>")[0]


def mentorship(new_hire, mentor, state=MentorshipState.PROPOSED, **fields) -> Mentorship:
    row = Mentorship(
        new_hire_id=new_hire.id,
        mentor_id=mentor.id,
        state=state,
        expires_at=fields.pop("expires_at", utcnow() + timedelta(days=2)),
        started_at=utcnow() if state == MentorshipState.ACTIVE else None,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def people(make):
    class People:
        nina = make.user(name="Nina New")
        omar = make.user(name="Omar Other")
        mia = make.mentor(name="Mia Mentor", timezone="America/New_York")
        max_ = make.mentor(name="Max Mentor")

    return People


def test_a_new_hire_sees_their_mentor_with_a_link(people, client, auth):
    mentorship(people.nina, people.mia, MentorshipState.ACTIVE)
    mentorship(people.omar, people.max_, MentorshipState.ACTIVE)
    auth.sign_in(people.nina)
    text = panel(client, "my-mentor")
    assert "Mia Mentor" in text and "is your mentor" in text
    assert 'href="/mentor"' in text
    assert "Max Mentor" not in home(client)


def test_a_new_hire_with_a_proposal_on_its_way_is_not_told_whom_it_went_to(people, client, auth):
    mentorship(people.nina, people.mia)
    auth.sign_in(people.nina)
    text = panel(client, "my-mentor")
    assert "A mentor has been asked to mentor you" in text
    assert "Mia Mentor" not in home(client)


def test_a_new_hire_still_waiting_for_a_mentor_is_told_so(people, client, auth):
    db.session.add(WaitingForMentor(new_hire_id=people.nina.id, reason="Nobody teaches COBOL yet"))
    db.session.commit()
    auth.sign_in(people.nina)
    assert "We are still looking for a mentor for you" in panel(client, "my-mentor")


def test_a_new_hire_with_no_mentor_and_no_proposal_sees_so(people, client, auth):
    auth.sign_in(people.nina)
    assert "You have no mentor yet." in panel(client, "my-mentor")


def test_a_mentor_sees_the_proposals_waiting_for_their_answer_by_when_in_their_zone(people, client, auth):
    mine = mentorship(people.nina, people.mia)
    mentorship(people.omar, people.max_)
    auth.sign_in(people.mia)
    text = panel(client, "mentee-proposals")
    assert "Nina New" in text and 'href="/mentoring#proposals"' in text
    assert time_with_zone(mine.expires_at, "America/New_York") in text
    assert "Omar Other" not in home(client)


def test_a_mentor_with_no_proposals_is_told_nothing_waits(people, client, auth):
    mentorship(people.nina, people.mia, MentorshipState.ACTIVE)
    mentorship(people.omar, people.max_)
    auth.sign_in(people.mia)
    text = panel(client, "mentee-proposals")
    assert NOTHING in text and "Omar Other" not in text
