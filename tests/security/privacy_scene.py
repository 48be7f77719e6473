"""The scene of the privacy table: the access table's company (tests/security/access_scene.py)
with the words of tests/security/privacy_table.py, and what the privacy table needs beside it:
Tess (a teammate), Fred (a former lead of Payments), a proposal Dora declined, an admin's
reason for choosing Mia as Nina's mentor despite a rule, a task feedback
Nina shared with the team, a learning before the coming session, and Mia's clarity rating.

Fred is made Payments' lead, set as the organizer of its series and invited, answers Nina's
open question as its lead, and is then moved to Platform and replaced by Lena, as an admin
would do it; the jobs that follow (calendars, mail) are run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.help import thread
from app.people.models import Role, User
from feedback.clarity import rate_clarity
from feedback.models import TaskFeedback, TimeTaken
from matching.models import Mentorship, MentorshipState
from sessions.learnings.services import add_learning, session_of
from sessions.models import SessionSeries
from sessions.series.invitations import update_calendars
from tests.factories import Factories
from tests.security.access_scene import Scene, build_scene
from tests.security.privacy_table import (
    CHECKIN_SCORE,
    CLARITY_SCORE,
    DECLINER,
    LEARNING_BEFORE,
    OVERRIDE_REASON,
    ROLES,
    SHARED_TASK_WORDS,
    TASK_RATING,
    WORDS,
)


@dataclass
class PrivacyScene:
    access: Scene
    people: dict[str, User]  # by the privacy table's roles
    declined: Mentorship
    shared_task: TaskFeedback
    learning_before_id: int
    tokens: dict[str, str] = field(default_factory=dict)

    def person(self, role: str) -> User | None:
        return None if role == "anonymous" else self.people[role]

    def api_headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}


def build_privacy_scene(make: Factories, jobs) -> PrivacyScene:
    """Save the scene, committed, with its mail recorded, and return it."""
    s = build_scene(make, WORDS)
    nina, mia, lena = s.people["new_hire"], s.people["mentor"], s.people["lead"]
    tess = make.user(name="Tess Teammate", email="tess@example.com", team=s.team)
    dora = make.mentor(name=DECLINER, email="dora@example.com", team=s.other_team)

    # Fred led Payments and set its weekly session up; he answered Nina's open question then.
    fred = make.user(name="Fred Former", email="fred@example.com", roles=(Role.LEAD,), team=s.team)
    s.team.lead = fred
    db.session.commit()
    db.session.execute(
        sa.update(SessionSeries)
        .where(SessionSeries.id == s.series.id)
        .values({SessionSeries.__table__.c.organizer_id: fred.id})
    )
    db.session.commit()
    update_calendars(s.series.id)
    thread.post_answer(s.question.id, fred.id, "Check the migration's order.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    # Then he moved to Platform, and Lena leads Payments again.
    fred.team, s.team.lead = s.other_team, lena
    db.session.commit()

    now = utcnow()
    declined = Mentorship(
        new_hire_id=nina.id,
        mentor_id=dora.id,
        state=MentorshipState.DECLINED,
        proposed_at=now - timedelta(days=32),
        expires_at=now - timedelta(days=29),
        decided_at=now - timedelta(days=31),
        end_reason="Too busy",
        reasons=[],
    )
    db.session.add(declined)
    # An admin chose Mia for Nina by hand, though she had no free slot then.
    s.mentorship.source, s.mentorship.chosen_by_id = "admin", s.people["admin"].id
    s.mentorship.overridden_rules = [{"rule": "full", "text": "has no free mentee slot"}]
    s.mentorship.override_reason = OVERRIDE_REASON

    # Nina's feedback falls in the week before the session that was held, so its agenda brings it.
    before_past = session_of(db.session.get(SessionSeries, s.series.id), s.past_day).start_utc - timedelta(days=1)
    s.task.rating, s.task.created_at = TASK_RATING, before_past
    shared = TaskFeedback(
        author_id=nina.id,
        team_id=s.team.id,
        question_id=s.question.id,
        title=WORDS.goal,
        rating=TASK_RATING,
        time_taken=TimeTaken.MORE,
        missing=SHARED_TASK_WORDS,
        shared=True,
        created_at=before_past,
    )
    db.session.add(shared)
    db.session.commit()
    assert s.checkin.score == CHECKIN_SCORE
    before = add_learning(s.series.id, s.next_day, nina.id, "learned", LEARNING_BEFORE)
    db.session.commit()
    rate_clarity(s.answered.id, mia.id, CLARITY_SCORE)
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()

    people = {
        "writer": nina,
        "teammate": tess,
        "mentor": mia,
        "other_team": s.people["other_new_hire"],
        "guest": s.guest,
        "lead": lena,
        "former_lead": fred,
        "admin": s.people["admin"],
    }
    scene = PrivacyScene(access=s, people=people, declined=declined, shared_task=shared, learning_before_id=before.id)
    for role in ROLES[1:]:
        _, scene.tokens[role] = ApiToken.issue(people[role], "privacy")
    db.session.commit()
    return scene
