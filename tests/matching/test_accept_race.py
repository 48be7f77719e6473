"""A mentor's last free slot goes to one new hire only, even when two accepts race for it."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from matching import services
from matching.models import Mentorship, MentorshipState
from tests.matching.test_lifecycle import mentor, new_hire


def test_two_accepts_racing_for_the_last_slot_cannot_both_win(app, backend, make, jobs):
    if backend == "sqlite":
        pytest.skip("SQLite lets one writer in at a time, so two accepts cannot race there; "
                    "the race is for PostgreSQL's row locks")
    ada = mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=2)
    proposals = [services.create_proposal(new_hire(make, name).id, ada.id, 80.0, [], "admin", 3).id
                 for name in ("Bo Jansen", "Di Kowalski")]
    ada.max_mentees = 1  # she lowered her limit after both proposals went out: one slot is free
    db.session.commit()
    ada_id = ada.id
    barrier = threading.Barrier(len(proposals))
    outcomes: dict[int, object] = {}

    def accept(mentorship_id: int) -> None:
        """Accept in a session of this thread's own, at the same moment as the other thread."""
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                services.accept(mentorship_id, ada_id)
                outcomes[mentorship_id] = "accepted"
            except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
                db.session.rollback()
                outcomes[mentorship_id] = exc

    threads = [threading.Thread(target=accept, args=(m,)) for m in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an accept never finished"

    results = sorted(outcomes.values(), key=lambda o: o != "accepted")
    assert results[0] == "accepted"
    assert isinstance(results[1], services.NoFreeSlot), results[1]
    assert "You already mentor 1 of at most 1 people." in str(results[1])
    db.session.expire_all()
    states = db.session.execute(sa.select(Mentorship.state, sa.func.count()).where(Mentorship.mentor_id == ada_id)
                                .group_by(Mentorship.state)).all()
    assert dict(states) == {MentorshipState.ACTIVE: 1, MentorshipState.PROPOSED: 1}
