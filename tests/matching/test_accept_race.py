"""A mentor's last free slot goes to one new hire only, even when two accepts race for it,
on PostgreSQL and on SQLite (the embedded default): two requests, each in a thread and a
database connection of its own, held at the contested lock until both wait there."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.people.models import User
from matching import services
from matching.models import Mentorship, MentorshipState
from tests.lock_waits import together
from tests.matching.test_lifecycle import mentor, new_hire


def accept_together(app, calls: list[tuple[int, str]], held: sa.Select) -> list[tuple[int, str]]:
    """POST the accepts at once, each with its own token, let go together from `held`; return
    (status, error message or '') for each, sorted by status."""

    def accept(mentorship_id: int, token: str):
        response = app.test_client().post(
            f"/api/v1/mentorships/{mentorship_id}/accept", headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code, (response.json.get("error") or {}).get("message", "")

    return sorted(together(db.engine, held, [lambda call=call: accept(*call) for call in calls]))


def test_two_accepts_racing_for_the_last_slot_cannot_both_win(app, make, jobs):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=2)
    laptop, phone = (ApiToken.issue(ada, device)[1] for device in ("laptop", "phone"))
    proposals = [
        services.create_proposal(new_hire(make, name).id, ada.id, 80.0, [], "admin", 3).id
        for name in ("Bo Jansen", "Di Kowalski")
    ]
    ada.max_mentees = 1  # she lowered her limit after both proposals went out: one slot is free
    db.session.commit()

    answers = accept_together(
        app, [(proposals[0], laptop), (proposals[1], phone)], sa.select(User.id).where(User.id == ada.id)
    )

    assert answers == [
        (200, ""),
        (409, "You already mentor 1 of at most 1 people. Raise your limit on your profile or decline."),
    ]
    db.session.expire_all()
    states = Counter(db.session.scalars(sa.select(Mentorship.state).where(Mentorship.mentor_id == ada.id)))
    assert states == {MentorshipState.ACTIVE: 1, MentorshipState.PROPOSED: 1}


def test_one_proposal_accepted_from_two_devices_at_once_is_accepted_once(app, make, jobs):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=2)
    laptop, phone = (ApiToken.issue(ada, device)[1] for device in ("laptop", "phone"))
    proposal = services.create_proposal(new_hire(make, "Bo Jansen").id, ada.id, 80.0, [], "admin", 3).id
    db.session.commit()

    answers = accept_together(
        app, [(proposal, laptop), (proposal, phone)], sa.select(Mentorship.id).where(Mentorship.id == proposal)
    )

    assert answers == [(200, ""), (409, "This proposal is already active.")]
    accepted_mails = db.session.scalar(sa.text("SELECT count(*) FROM outbound_mail WHERE kind = 'mentorship_accepted'"))
    assert accepted_mails == 1
