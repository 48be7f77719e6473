"""The mentorship pages: a mentor answers proposals and looks after mentees on /mentoring,
a new hire sees their mentor and why on /mentor, and nobody else can act on a mentorship."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.jobs import enqueue
from app.people.models import Role
from matching import services
from matching.jobs import propose_mentor_job
from matching.models import FitAnswer, Mentorship, MentorshipState
from tests.matching.test_lifecycle import live_of, mails_to, mentor, mentorships_of, new_hire, pair, sign_in, text_of


def test_a_mentor_accepts_on_the_mentoring_page_and_the_new_hire_sees_why(app, make, jobs, smtp, client, auth):
    ada, bo, proposal = pair(make, jobs)
    sign_in(auth, ada)
    page = client.get("/mentoring").text
    assert "Accept Bo Jansen" in page
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in page

    accepted = client.post(f"/mentorships/{proposal.id}/accept", follow_redirects=True)
    assert "You are now Bo Jansen&#39;s mentor." in accepted.text
    assert live_of(bo).state == MentorshipState.ACTIVE
    assert "No proposals right now." in accepted.text
    assert "Bo Jansen" in accepted.text.split('id="mentees"')[1]

    jobs.run()
    [welcome] = mails_to(smtp, bo)
    assert welcome["Subject"] == "Ada Lovelace is your mentor"
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in text_of(welcome)
    auth.sign_out()
    sign_in(auth, bo)
    mine = client.get("/mentor").text
    assert "Ada Lovelace" in mine and ada.email in mine
    assert "Ada Lovelace teaches SQL at 5/5, Bo Jansen is at 1/5" in mine and "shared working hours" in mine


def test_a_proposal_waiting_for_an_answer_shows_on_the_new_hires_page_without_the_mentor(app, make, jobs, client, auth):
    ada, bo, proposal = pair(make, jobs)
    sign_in(auth, bo)
    page = client.get("/mentor").text
    assert "We have asked a mentor who fits you" in page and "You will\n       hear who your mentor is" in page
    # Who was asked is the mentor's to answer: the new hire learns it once they accept.
    assert "Ada Lovelace" not in page and "teaches SQL at 5/5" not in page


def test_a_full_mentor_is_told_so_and_nothing_changes(app, make, jobs, client, auth):
    ada, bo, proposal = pair(make, jobs)
    di = new_hire(make, "Di Kowalski")
    jobs.run()  # Ada has a second slot: Di is proposed to her too
    services.accept(proposal.id, ada.id)
    ada.max_mentees = 1  # she lowers her limit meanwhile
    db.session.commit()

    sign_in(auth, ada)
    refused = client.post(f"/mentorships/{live_of(di).id}/accept", follow_redirects=True)
    assert "You already mentor 1 of at most 1 people." in refused.text
    assert live_of(di).state == MentorshipState.PROPOSED


def test_a_mentor_who_says_it_does_not_fit_can_ask_for_a_rematch(app, make, jobs, client, auth):
    ada, bo, proposal = pair(make, jobs)
    cy = mentor(make, "Cy Young", {"SQL": 3})
    services.accept(proposal.id, ada.id)
    sign_in(auth, ada)
    assert "another mentor" not in client.get("/mentoring").text

    answered = client.post(f"/mentorships/{proposal.id}/fit", data={"good_fit": "no"}, follow_redirects=True)
    assert "Thank you for answering." in answered.text and "You answered: no." in answered.text
    assert "Find Bo Jansen another mentor" in answered.text

    client.post(f"/mentorships/{proposal.id}/rematch")
    jobs.run()
    assert live_of(bo).mentor_id == cy.id


@pytest.mark.parametrize("side, worked_out", [("new hire", False), ("mentor", True)])
def test_either_side_ends_with_a_reason_and_a_bad_end_blocks_the_pair(
    app, make, jobs, smtp, client, auth, side, worked_out
):
    ada, bo, proposal = pair(make, jobs)
    cy = mentor(make, "Cy Young", {"SQL": 3})
    services.accept(proposal.id, ada.id)
    ender, other = (bo, ada) if side == "new hire" else (ada, bo)
    sign_in(auth, ender)

    refused = client.post(f"/mentorships/{proposal.id}/end", data={"reason": "  "}, follow_redirects=True)
    assert "Please say in a few words why the mentorship ends" in refused.text
    assert live_of(bo).state == MentorshipState.ACTIVE

    form = {"reason": "We never found the time"} | ({"worked_out": "y"} if worked_out else {})
    ended = client.post(f"/mentorships/{proposal.id}/end", data=form, follow_redirects=True)
    assert "The mentorship has ended." in ended.text
    [done] = mentorships_of(bo)
    assert (done.state, done.ended_by_id, done.ended_badly) == (MentorshipState.ENDED, ender.id, not worked_out)
    jobs.run()
    [told] = [m for m in mails_to(smtp, other) if m["Subject"] == "Your mentorship has ended"]
    assert "We never found the time" in text_of(told)

    enqueue(propose_mentor_job, bo.id, "admin")  # any later proposal
    jobs.run()
    assert live_of(bo).mentor_id == (ada.id if worked_out else cy.id)


def test_a_fit_answer_on_a_mentorship_that_ended_is_refused(app, make, jobs, client, auth):
    ada, bo, proposal = pair(make, jobs)
    services.accept(proposal.id, ada.id)
    services.end(proposal.id, ada.id, "Moving abroad")
    sign_in(auth, bo)
    refused = client.post(f"/mentorships/{proposal.id}/fit", data={"good_fit": "yes"}, follow_redirects=True)
    assert "This mentorship is ended, not active." in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FitAnswer)) == 0


# Who may act: only the two sides, and for a proposal only the mentor.

ACTIONS = {
    "accept": (MentorshipState.PROPOSED, {}),
    "decline": (MentorshipState.PROPOSED, {"note": "busy"}),
    "end": (MentorshipState.ACTIVE, {"reason": "Not needed"}),
    "fit": (MentorshipState.ACTIVE, {"good_fit": "no"}),
    "rematch": (MentorshipState.ACTIVE, {}),
}
OUTSIDERS = {
    "another mentor": lambda make: make.mentor(name="Other Mentor", password=None),
    "another new hire": lambda make: make.user(name="Other Hire", password=None),
    "an admin": lambda make: make.admin(name="Ann Admin", password=None),
    "a team lead": lambda make: make.user(name="Lee Lead", roles=(Role.LEAD,), password=None),
}
CASES = [(action, who) for action in ACTIONS for who in OUTSIDERS] + [
    ("accept", "the new hire"),
    ("decline", "the new hire"),
]


def snapshot(mentorship_id: int) -> tuple:
    db.session.expire_all()
    m = db.session.get(Mentorship, mentorship_id)
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(FitAnswer))
    return m.state, m.decided_at, m.ended_at, m.end_reason, answers


@pytest.mark.parametrize("action, who", CASES)
def test_only_the_two_sides_can_act_on_a_mentorship(app, make, jobs, client, auth, action, who):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    bo = new_hire(make, "Bo Jansen")
    state, form = ACTIONS[action]
    proposal = services.create_proposal(bo.id, ada.id, 80.0, [], "admin", 3)
    db.session.commit()
    if state == MentorshipState.ACTIVE:
        services.accept(proposal.id, ada.id)
    before = snapshot(proposal.id)

    sign_in(auth, bo if who == "the new hire" else OUTSIDERS[who](make))
    response = client.post(f"/mentorships/{proposal.id}/{action}", data=form)

    assert response.status_code == 404
    assert snapshot(proposal.id) == before
    assert len(mentorships_of(bo)) == 1


@pytest.mark.parametrize("path", ["/mentor", "/mentoring"])
def test_the_pages_need_a_signed_in_person(app, client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.location
