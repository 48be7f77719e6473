"""Action items and closing a running retro: action items are recorded and come back every
week until done, and the session is closed with who was there; wrong input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from sessions.models import ActionItem, Attendance
from sessions.retro import services as running
from sessions.retro.rules import RetroRefused
from tests.sessions.retro.scene import (
    client_for,
    learning,
    phase_of,
    run_to,
    run_with_services,
    said,
    text,
    url,
    week_of,
)

# -- action items --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text": "  "}, "Say what is to be done."),
        ({"text": "x" * 501}, "Keep it to 500 characters (this is 501)."),
        ({"owner": "outsider"}, "The owner must be someone invited to the session."),
        ({"owner": ""}, "Choose who owns it."),
        ({"due": "yesterday"}, "is in the past"),
        ({"due": "soon"}, "Not a valid date value."),
        ({"item": 999999}, "That item is not part of this session."),
    ],
)
def test_a_wrong_action_item_is_refused_by_its_field(app, s, change, message):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "discuss")
    data = {"text": "Pair on the flaky test", "owner": s.ana.id, "due": s.today.isoformat(), "item": ""}
    data.update(change)
    if data["owner"] == "outsider":
        data["owner"] = s.outsider.id
    if data["due"] == "yesterday":
        data["due"] = (s.today - timedelta(days=1)).isoformat()
    response = lead.post(url(s, day, "run/actions"), data=data)
    assert response.status_code == 400
    assert message in text(response) and 'role="alert"' in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 0


def test_action_items_come_back_every_week_until_done(app, s):
    lead, ana, bo = client_for(app, s.lead), client_for(app, s.ana), client_for(app, s.bo)
    first, second, third = s.days
    week = run_with_services(s, first, "discuss")
    flaky = running.add_action(week.id, s.lead.id, "Fix the flaky login test", s.ana.id, s.today)
    docs = running.add_action(week.id, s.lead.id, "Write the deploy runbook", s.bo.id, s.today + timedelta(days=3))
    running.close(week.id, [s.lead.id, s.ana.id, s.bo.id])
    db.session.commit()

    run_to(lead, s, second, "review")
    review = text(lead.get(url(s, second)))
    assert "Fix the flaky login test" in review and "Write the deploy runbook" in review
    assert review.count(">Done</button>") == 2
    assert ana.get(url(s, second)).status_code == 200
    response = lead.post(f"/sessions/actions/{flaky}/done", data={"week": second.isoformat()}, follow_redirects=True)
    assert "Done: “Fix the flaky login test”." in said(response)
    assert 'class="tag retro-done-tag">Done' in text(response)
    action = db.session.get(ActionItem, flaky)
    assert action.done_at is not None and action.done_week_id == week_of(s, second).id

    run_with_services(s, third, "review")
    later = text(lead.get(url(s, third)))
    assert "Write the deploy runbook" in later and "Fix the flaky login test" not in later

    assert ana.post(f"/sessions/actions/{docs}/done").status_code == 403  # not hers, and not the lead
    history = text(bo.get(f"/sessions/{s.series_id}/history"))
    assert "Write the deploy runbook" in history and history.count(">Done</button>") == 1  # his own
    bo.post(f"/sessions/actions/{docs}/done")
    db.session.expire_all()
    assert db.session.get(ActionItem, docs).done_at is not None
    assert db.session.get(ActionItem, docs).done_week_id is None
    assert "None: every action item is done." in text(bo.get(f"/sessions/{s.series_id}/history"))
    again = bo.post(f"/sessions/actions/{docs}/done", follow_redirects=True)
    assert "That action item was done already." in said(again)


def test_an_action_item_is_not_marked_done_at_a_closed_session(app, s):
    week = run_with_services(s, s.days[0], "discuss")
    action = running.add_action(week.id, s.lead.id, "Fix the flaky login test", s.ana.id, s.today)
    running.close(week.id, [s.ana.id])
    db.session.commit()
    lead = client_for(app, s.lead)
    response = lead.post(
        f"/sessions/actions/{action}/done", data={"week": s.days[0].isoformat()}, follow_redirects=True
    )
    assert "The session is closed; nothing in it can change any more." in said(response)
    assert db.session.get(ActionItem, action).done_at is None


def test_an_action_item_is_not_marked_done_at_an_earlier_session(s):
    earlier = run_with_services(s, s.days[0], "review")
    later = run_with_services(s, s.days[1], "discuss")
    action = running.add_action(later.id, s.lead.id, "Try the new runner", s.bo.id, s.today)
    with pytest.raises(RetroRefused, match="raised after this session"):
        running.mark_done(action, earlier.id)


# -- closing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attended, message",
    [
        ([], "Tick at least one person who was there."),
        (["outsider"], "Only people invited to the session can be recorded as there."),
    ],
)
def test_closing_needs_people_who_were_invited(app, s, attended, message):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "discuss")
    ids = [getattr(s, who).id for who in attended]
    response = lead.post(url(s, day, "run/close"), data={"attended": ids}, follow_redirects=True)
    assert message in said(response)
    assert phase_of(s, day) == "discuss"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_a_session_is_closed_only_after_the_discussion(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "vote")
    response = lead.post(url(s, day, "run/close"), data={"attended": [s.ana.id]}, follow_redirects=True)
    assert "The session is closed at the end of the discussion." in said(response)
    assert phase_of(s, day) == "vote"


def test_nothing_changes_in_a_closed_session(app, s):
    day = s.days[2]
    item = learning(s, day, s.ana, "learned", "Fixtures")
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "discuss")
    lead.post(url(s, day, "run/close"), data={"attended": [s.ana.id]})
    for tail, data in [
        ("run/actions", {"text": "More", "owner": s.ana.id, "due": s.today.isoformat()}),
        ("run/close", {"attended": [s.bo.id]}),
        ("run/votes", {f"votes-{item}": "1"}),
        ("run/group", {"item": item, "into": item}),
        ("run/ungroup", {"item": item}),
    ]:
        page = text(lead.post(url(s, day, tail), data=data, follow_redirects=True))
        assert "The session is closed; nothing in it can change any more." in page, tail
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 0
    assert set(db.session.scalars(sa.select(Attendance.user_id))) == {s.ana.id}
