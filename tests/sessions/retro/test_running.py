"""Running a week's retro through its pages: the lead starts it and walks the phases, from the
start to the close. Wrong input gets a clear message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from sessions.models import ActionItem, Attendance, Learning, Phase, SessionWeek
from tests.sessions.retro.scene import (
    client_for,
    learning,
    phase_of,
    run_to,
    said,
    step,
    text,
    ticked,
    url,
    votes_by,
    week_of,
)

# -- a whole session -----------------------------------------------------------------------------


def test_a_lead_runs_a_session_from_start_to_close(app, s):
    day = s.days[2]
    fixtures = learning(s, day, s.ana, "learned", "pytest fixtures can live in conftest.py")
    cache = learning(s, day, s.bo, "stuck", "The CI cache never hits")
    slow = learning(s, day, s.ana, "stuck", "CI takes 40 minutes")
    rust = learning(s, day, s.bo, "want", "Rust for the parser")
    lead, ana, bo = client_for(app, s.lead), client_for(app, s.ana), client_for(app, s.bo)

    before = text(lead.get(url(s, day)))
    assert "Start session" in before and "4 learnings are in" in before
    waiting = text(ana.get(url(s, day)))
    assert "has not started yet" in waiting and "Rust for the parser" not in waiting  # hidden until the start
    assert "Start session" not in waiting

    lead.post(url(s, day, "run/start"))
    week = week_of(s, day)
    assert week.phase == Phase.REVIEW and week.started_at is not None
    review = text(lead.get(url(s, day)))
    assert 'aria-current="step"' in review and "Next: Read learnings" in review
    assert "No open action items from earlier sessions." in review
    assert "Next:" not in text(ana.get(url(s, day)))  # members follow; only the lead drives

    step(lead, s, day, "review", "read")
    read = text(ana.get(url(s, day)))
    assert all(words in read for words in ("pytest fixtures", "The CI cache never hits", "Rust for the parser"))
    assert "Bo Berg" not in read  # anonymous: no authors

    step(lead, s, day, "read", "group")
    lead.post(url(s, day, "run/group"), data={"item": slow, "into": cache})
    assert db.session.get(Learning, slow).group_id == cache
    assert "Next: Vote" in text(lead.get(url(s, day)))

    step(lead, s, day, "group", "vote")
    assert "You have 5 of 5 votes left." in text(ana.get(url(s, day)))
    ana.post(url(s, day, "run/votes"), data={f"votes-{cache}": "3", f"votes-{fixtures}": "2"})
    bo.post(url(s, day, "run/votes"), data={f"votes-{cache}": "1", f"votes-{rust}": "3", f"votes-{fixtures}": ""})
    assert votes_by(s.ana) == {cache: 3, fixtures: 2} and votes_by(s.bo) == {cache: 1, rust: 3}
    voting = text(lead.get(url(s, day)))
    assert "Voted so far: 2 of 3 ·" in voting and "9 votes given" in voting and "You have 5 of 5 votes left." in voting
    assert "You have 0 of 5 votes left." in text(ana.get(url(s, day)))

    step(lead, s, day, "vote", "discuss")
    discuss = text(lead.get(url(s, day)))
    top = [discuss.index(words) for words in ("The CI cache never hits", "Rust for the parser", "pytest fixtures")]
    assert top == sorted(top) and "4 votes" in discuss
    due = s.today + timedelta(days=7)
    response = lead.post(
        url(s, day, "run/actions"),
        data={"text": "Cache the pip wheels in CI", "owner": s.bo.id, "due": due.isoformat(), "item": cache},
        follow_redirects=True,
    )
    assert "Action item added." in said(response)
    assert 'Decided: Cache the pip wheels in CI <span class="muted">(Bo Berg, due' in text(response)
    [action] = db.session.scalars(sa.select(ActionItem)).all()
    assert (action.owner_id, action.due_date, action.learning_id, action.week_id) == (s.bo.id, due, cache, week.id)

    closing = text(lead.get(url(s, day)))
    assert "Close and send summary" in closing
    # ticked: who opened the page while it ran (Bo voted from an old page, and never opened it)
    assert ticked(closing) == {s.lead.id: True, s.ana.id: True, s.bo.id: False}
    response = lead.post(url(s, day, "run/close"), data={"attended": [s.lead.id, s.ana.id]}, follow_redirects=True)
    assert "The session is closed. The summary is on its way" in said(response)
    week = week_of(s, day)
    assert week.phase == Phase.CLOSED and week.closed_at is not None
    assert set(db.session.scalars(sa.select(Attendance.user_id))) == {s.lead.id, s.ana.id}

    summary = text(bo.get(url(s, day, "summary")))
    assert "The CI cache never hits" in summary and "4 votes" in summary and "Cache the pip wheels in CI" in summary
    history = text(ana.get(f"/sessions/{s.series_id}/history"))
    assert url(s, day, "summary") in history and "Cache the pip wheels in CI" in history

    refused = step(lead, s, day, "closed", "discuss", follow_redirects=True)
    assert "cannot be reopened" in said(refused) and phase_of(s, day) == "closed"


def test_attendance_starts_ticked_for_who_opened_the_session_while_it_ran(app, s):
    from sessions.models import Presence, WeekAnswer

    day = s.days[2]
    learning(s, day, s.ana, "learned", "Something")
    lead, ana, bo = client_for(app, s.lead), client_for(app, s.ana), client_for(app, s.bo)
    ana.get(url(s, day))  # before the start: not there yet
    run_to(lead, s, day, "read")
    db.session.add(WeekAnswer(week_id=week_of(s, day).id, user_id=s.bo.id, partstat="DECLINED"))
    db.session.commit()
    for _ in range(3):  # Bo declined, but came after all; the page asks again and again
        assert bo.get(url(s, day, "run/state")).status_code == 200
    step(lead, s, day, "read", "group")
    step(lead, s, day, "group", "vote")
    step(lead, s, day, "vote", "discuss")
    assert ticked(text(lead.get(url(s, day)))) == {s.lead.id: True, s.ana.id: False, s.bo.id: True}
    db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(Presence.user_id))) == sorted([s.lead.id, s.bo.id])
    # the lead can still tick someone else
    lead.post(url(s, day, "run/close"), data={"attended": [s.lead.id, s.ana.id]})
    assert set(db.session.scalars(sa.select(Attendance.user_id))) == {s.lead.id, s.ana.id}


# -- phases --------------------------------------------------------------------------------------


def test_a_double_click_on_next_moves_one_phase(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "review")
    step(lead, s, day, "review", "read")
    again = step(lead, s, day, "review", "read", follow_redirects=True)
    assert "already moved on: it is at “Read learnings”" in said(again)
    assert phase_of(s, day) == "read"


@pytest.mark.parametrize(
    "seen, to, message",
    [
        ("review", "group", "one phase at a time"),
        ("review", "closed", "with the attendance"),
        ("review", "picnic", "not a phase"),
    ],
)
def test_a_phase_change_out_of_order_is_refused(app, s, seen, to, message):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "review")
    assert message in said(step(lead, s, day, seen, to, follow_redirects=True))
    assert phase_of(s, day) == "review"


def test_nothing_moves_before_the_start(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    assert "The session has not started yet." in said(step(lead, s, day, "review", "read", follow_redirects=True))
    assert phase_of(s, day) is None


def test_a_skipped_week_cannot_be_started(app, s):
    from sessions.series.services import skip_week

    skip_week(s.series_id, s.days[2])
    db.session.commit()
    lead = client_for(app, s.lead)
    assert "Start session" not in text(lead.get(url(s, s.days[2])))
    response = lead.post(url(s, s.days[2], "run/start"), follow_redirects=True)
    assert "This week's session is skipped; restore the week" in said(response) and phase_of(s, s.days[2]) is None


def test_a_date_that_is_not_a_session_is_not_found(app, s):
    lead = client_for(app, s.lead)
    assert lead.get(url(s, s.days[2] + timedelta(days=1))).status_code == 404
    assert lead.get(f"/sessions/{s.series_id}/weeks/next-tuesday/run").status_code == 404
    assert lead.post(url(s, s.days[2] + timedelta(days=1), "run/start")).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionWeek)) == 0
