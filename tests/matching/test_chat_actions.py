"""A mentorship proposal's Accept and Decline buttons in a chat message, pressed as a chat
presses them: the same services as the mentoring page and the mail's links, refusals that
save nothing, and the mentor's proposal and reminder messages that follow the proposal
(accepted, declined, run out, withdrawn) so they never offer what no longer applies.
Proposed by a real worker, with the mails sent to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import Conflict, InvalidInput, NotFound, Refused
from app.extensions import db, utcnow
from app.people.leavers import leave
from matching.chat_actions import Stale
from matching.choosing import choose_mentor
from matching.models import MentorshipState
from matching.services import NoFreeSlot
from tests.matching.test_lifecycle import live_of, mails_to, mentor, mentorships_of, new_hire, shift, upkeep
from tests.notice_recorder import click, recording

WATCHED = ["mentorships", "waiting_for_mentor"]


@pytest.fixture
def chat(app):
    with recording(app) as recorder:
        yield recorder


@pytest.fixture
def proposed(make, jobs, smtp, chat):
    """Ada is proposed to mentor Bo, in the chat; Cy is the next best mentor."""
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    cy = mentor(make, "Cy Young", {"SQL": 2}, level=2)
    chat.link(ada, cy)
    bo = new_hire(make, "Bo Jansen")
    jobs.run()
    proposal = live_of(bo)
    assert proposal.mentor_id == ada.id
    return ada, cy, bo, proposal


def key(proposal, kind: str = "mentorship-proposal") -> str:
    return f"{kind}:{proposal.id}:{proposal.mentor_id}"


def test_the_mentor_accepts_from_the_chat_and_the_new_hire_is_told(proposed, chat, jobs, smtp):
    ada, cy, bo, proposal = proposed
    assert chat.buttons(key(proposal)) == ["Accept", "Decline"]

    done = click("mentorship.accept", ada, str(proposal.id))

    assert done.message == "You are now Bo Jansen's mentor. Thank you!"
    assert live_of(bo).state == MentorshipState.ACTIVE
    assert (done.card.title, done.card.buttons) == ("You are Bo Jansen's mentor", ())
    assert chat.shown(key(proposal)) == done.card
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, bo)] == ["Ada Lovelace is your mentor"]

    with pytest.raises(Stale, match="This proposal is already active.") as again:
        click("mentorship.decline", ada, str(proposal.id))
    assert again.value.status == 409 and again.value.card == done.card
    assert live_of(bo).state == MentorshipState.ACTIVE


def test_declining_with_a_reason_asks_the_next_mentor(proposed, chat, jobs, smtp):
    ada, cy, bo, proposal = proposed
    with pytest.raises(InvalidInput):
        click("mentorship.decline", ada, str(proposal.id), "x" * 501)
    assert live_of(bo).id == proposal.id

    done = click("mentorship.decline", ada, str(proposal.id), "Away all of next month")

    assert done.message == "Declined. We will ask the next best mentor."
    assert done.card.title == "You declined to mentor Bo Jansen" and done.card.buttons == ()
    assert chat.shown(key(proposal)) == done.card
    jobs.run()  # the next proposal, by the worker
    first, following = mentorships_of(bo)
    assert (first.state, first.end_reason) == (MentorshipState.DECLINED, "Away all of next month")
    assert (following.mentor_id, following.state) == (cy.id, MentorshipState.PROPOSED)
    assert chat.readers[key(following)] == cy.id and chat.buttons(key(following)) == ["Accept", "Decline"]
    assert [m["Subject"] for m in mails_to(smtp, cy)] == ["Would you mentor Bo Jansen?"]


@pytest.mark.parametrize("value", ["abc", "", "1.5", "²", "99999999", "99999999999999999999"])
def test_a_bad_or_gone_value_changes_nothing(proposed, committed_rows, value):
    ada, cy, bo, proposal = proposed
    before = committed_rows(WATCHED)
    for name in ("mentorship.accept", "mentorship.decline"):
        with pytest.raises((InvalidInput, NotFound)):
            click(name, ada, value)
    assert committed_rows(WATCHED) == before


def test_only_the_proposed_mentor_answers(proposed, committed_rows):
    ada, cy, bo, proposal = proposed
    before = committed_rows(WATCHED)
    for name in ("mentorship.accept", "mentorship.decline"):
        with pytest.raises(NotFound):  # someone outside it: there is no such proposal for them
            click(name, cy, str(proposal.id))
        with pytest.raises(Refused, match="Only the proposed mentor can"):
            click(name, bo, str(proposal.id))
    assert committed_rows(WATCHED) == before


def test_a_full_mentor_is_told_to_raise_their_limit_and_the_message_stays(proposed, chat, committed_rows):
    ada, cy, bo, proposal = proposed
    ada.max_mentees = 0
    db.session.commit()
    before = committed_rows(WATCHED)

    with pytest.raises(NoFreeSlot, match="Raise your limit on your profile or decline.") as refused:
        click("mentorship.accept", ada, str(proposal.id))

    assert isinstance(refused.value, Conflict) and not isinstance(refused.value, Stale)
    assert committed_rows(WATCHED) == before
    assert chat.buttons(key(proposal)) == ["Accept", "Decline"]


def test_a_proposal_that_ran_out_updates_the_proposal_and_its_reminder(proposed, chat, jobs):
    ada, cy, bo, proposal = proposed
    shift(proposal, proposed_at=utcnow() - timedelta(days=2), expires_at=utcnow() + timedelta(hours=1))
    upkeep(jobs)  # halfway: one reminder
    assert chat.buttons(key(proposal, "mentorship-reminder")) == ["Accept", "Decline"]

    shift(proposal, expires_at=utcnow() - timedelta(minutes=1))
    upkeep(jobs)

    for kind in ("mentorship-proposal", "mentorship-reminder"):
        card = chat.shown(key(proposal, kind))
        assert (card.title, card.buttons) == ("This proposal ran out", ())
    with pytest.raises(Stale, match="This proposal is already expired."):
        click("mentorship.accept", ada, str(proposal.id))
    assert [m.state for m in mentorships_of(bo)][0] == MentorshipState.EXPIRED


def test_a_proposal_withdrawn_by_an_admin_or_by_leaving_says_no_answer_is_needed(proposed, chat, make, jobs):
    ada, cy, bo, proposal = proposed
    admin = make.admin(name="Ann Admin", password=None)
    following = choose_mentor(bo.id, cy.id, admin.id, reason="Cy knows the billing code", replace=True)
    db.session.commit()
    assert chat.shown(key(proposal)).title == "No need to answer"
    assert chat.buttons(key(proposal)) == []

    leave(cy.id)
    db.session.commit()
    assert chat.shown(key(following)).title == "No need to answer"
    with pytest.raises(Refused):  # a leaver's account no longer acts
        click("mentorship.accept", cy, str(following.id))
