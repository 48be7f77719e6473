""" "Is this a good fit?" answered twice at the same moment (two tabs, a double click) is one
answer: both requests are thanked, and one row holds the answer."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from matching import services
from matching.models import FitAnswer
from tests.factories import Factories
from tests.lock_waits import device, together
from tests.matching.test_lifecycle import pair


def test_two_answers_at_the_same_moment_are_one_answer(app, make, jobs):
    ada, bo, proposal = pair(make, jobs)
    services.accept(proposal.id, ada.id)
    bo.set_password(Factories.PASSWORD)
    db.session.commit()
    tabs = [device(app, bo) for _ in range(2)]
    fit = f"/mentorships/{proposal.id}/fit"

    answers = together(
        db.engine,
        FitAnswer.__table__,
        [lambda tab=tab: tab.post(fit, data={"good_fit": "yes"}, follow_redirects=True) for tab in tabs],
    )

    assert [a.status_code for a in answers] == [200, 200]
    assert all("Thank you for answering." in a.text and "You answered: yes." in a.text for a in answers)
    db.session.expire_all()
    assert db.session.execute(sa.select(FitAnswer.user_id, FitAnswer.good_fit)).all() == [(bo.id, True)]
