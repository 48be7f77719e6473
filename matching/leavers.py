"""Matching's part when a person leaves (`person_leaving`, app.people.leavers).

- Their active mentorships end, and the other side gets a notice saying so.
- Proposals waiting for them as the mentor are withdrawn; proposals to mentor them (as a
  new hire) are withdrawn too, without a mail: nobody had started anything yet.
- A new hire who lost their mentor, or their proposed mentor, is proposed the next best
  mentor after the commit (matching's own proposal job), and told so in the notice.
- A leaving new hire no longer waits for a mentor.

Reactivated, a new hire is proposed a mentor as any new hire waiting for one is; ended
mentorships stay ended.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from matching import chat_cards, notices
from matching.models import LIVE_STATES, Mentorship, MentorshipState, WaitingForMentor
from matching.services import propose_mentor_job

# Kept as the ended mentorships' reason, for the admins' pages.
LEFT_REASON = "{name} left the team."


def on_person_leaving(sender, user_id: int, **extra) -> None:
    """End the leaver's mentorships and find new mentors for the new hires they leave."""
    now = utcnow()
    for mentorship in _live_mentorships(user_id):
        hire_lost_mentor = mentorship.mentor_id == user_id
        if mentorship.state == MentorshipState.ACTIVE:
            leaver = mentorship.mentor if hire_lost_mentor else mentorship.new_hire
            mentorship.state = MentorshipState.ENDED
            mentorship.ended_at = now
            mentorship.ended_by_id = user_id
            mentorship.end_reason = LEFT_REASON.format(name=leaver.name)
            notices.left(mentorship, leaver, new_search=hire_lost_mentor)
        else:
            mentorship.state = MentorshipState.WITHDRAWN
            mentorship.decided_at = now
        chat_cards.revise_proposal(mentorship)
        if hire_lost_mentor:
            enqueue_after_commit(propose_mentor_job, mentorship.new_hire_id, "rematch")
    waiting = db.session.get(WaitingForMentor, user_id)
    if waiting is not None:
        db.session.delete(waiting)
    db.session.flush()


def _live_mentorships(user_id: int) -> list[Mentorship]:
    return list(
        db.session.scalars(
            sa.select(Mentorship)
            .where(
                sa.or_(Mentorship.mentor_id == user_id, Mentorship.new_hire_id == user_id),
                Mentorship.state.in_(LIVE_STATES),
            )
            .order_by(Mentorship.id)
            .with_for_update()
        )
    )


def what_leaving_does(sender, user_id: int, **extra) -> list[str]:
    """Say how many mentorships would end."""
    active = db.session.scalar(
        sa.select(sa.func.count(Mentorship.id)).where(
            sa.or_(Mentorship.mentor_id == user_id, Mentorship.new_hire_id == user_id),
            Mentorship.state == MentorshipState.ACTIVE,
        )
    )
    noun = "mentorship" if active == 1 else "mentorships"
    return [f"{active} {noun} will end, with a notice to the other side; new hires are proposed a new mentor."]
