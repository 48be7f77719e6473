"""A learning, an action item or a new series sent twice (a double click, a resend, two requests at the
same moment) is added once: the form carries a key made when it was shown, and the second
sending answers as the first did."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role
from sessions.models import ActionItem, Learning, SessionSeries
from tests.forms import hidden_fields
from tests.lock_waits import device, together
from tests.sessions.learnings.scene import learnings
from tests.sessions.learnings.scene import make_scene as learning_scene
from tests.sessions.retro.scene import client_for, make_scene, run_to, said, url
from tests.sessions.series.scene import form as series_form
from tests.sessions.series.scene import invites_to


def test_a_learning_sent_twice_at_the_same_moment_is_added_once(app, make):
    s = learning_scene(make)
    tab = device(app, s.ana)
    form = hidden_fields(tab.get(s.url()).text, s.url()) | {"kind": "learned", "text": "Squash before rebasing."}
    where = s.url()

    answers = together(db.engine, Learning.__table__, [lambda: tab.post(where, data=form)] * 2)

    assert [(a.status_code, a.location) for a in answers] == [(302, where)] * 2
    assert [(n.author_id, n.text) for n in learnings(s)] == [(s.ana.id, "Squash before rebasing.")]


def test_a_learning_sent_again_after_it_was_added_answers_as_the_first(app, make):
    s = learning_scene(make)
    tab = device(app, s.ana)
    form = hidden_fields(tab.get(s.url()).text, s.url()) | {"kind": "stuck", "text": "The CI cache is cold."}

    first = tab.post(s.url(), data=form, follow_redirects=True)
    again = tab.post(s.url(), data=form, follow_redirects=True)

    assert "Added. Only you can see it until the session starts." in first.text
    assert "Added. Only you can see it until the session starts." in again.text
    assert [n.text for n in learnings(s)] == ["The CI cache is cold."]
    # Other words from the same old form are a learning of their own.
    tab.post(s.url(), data=form | {"text": "And the wheels are stale."})
    assert [n.text for n in learnings(s)] == ["The CI cache is cold.", "And the wheels are stale."]


def test_an_action_item_sent_twice_is_recorded_once(app, make):
    s = make_scene(make)
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "discuss")
    form = hidden_fields(lead.get(url(s, day)).text, url(s, day, "run/actions")) | {
        "text": "Cache the pip wheels in CI",
        "owner": str(s.bo.id),
        "due": (s.today.isoformat()),
    }

    first = lead.post(url(s, day, "run/actions"), data=form, follow_redirects=True)
    again = lead.post(url(s, day, "run/actions"), data=form, follow_redirects=True)

    assert "Action item added." in said(first) and "Action item added." in said(again)
    assert db.session.scalars(sa.select(ActionItem.text)).all() == ["Cache the pip wheels in CI"]


def test_a_series_set_up_twice_from_one_form_is_one_series_and_one_invite_each(app, make, jobs, smtp):
    """A double click on "Save series" must not give the team two weekly sessions, each with
    its invites."""
    team = make.team("Payments")
    lead = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD,), team=team)
    team.lead = lead
    db.session.commit()
    member = make.user("Ana Alvarez", "ana@example.com", team=team)
    tab = device(app, lead)
    form = hidden_fields(tab.get("/sessions/new").text, "/sessions/new", 'class="sessions-form"') | series_form()

    answers = together(db.engine, SessionSeries.__table__, [lambda: tab.post("/sessions/new", data=form)] * 2)

    [series_id] = db.session.scalars(sa.select(SessionSeries.id)).all()
    assert [(a.status_code, a.location) for a in answers] == [(302, f"/sessions/{series_id}")] * 2
    jobs.run()
    assert len(invites_to(smtp, member)) == 1
