"""The run page, live: its changing part polled by the page's script (who may, 304 when
nothing changed, and a poll writes nothing after the first presence), votes by tap, the
phase's timebox, and a session started before its day."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.times import day_name
from sessions.models import Presence
from sessions.retro import phases
from sessions.retro import rules as retro
from sessions.retro import services as running
from sessions.retro.rules import RetroRefused
from tests.sessions.retro.scene import client_for, learning, phase_of, run_to, said, step, text, url, votes_by, week_of

# -- the pure parts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mine, item, delta, after",
    [({}, 1, 1, {1: 1}), ({1: 2, 2: 2}, 1, 1, {1: 3, 2: 2}), ({1: 1, 2: 2}, 1, -1, {2: 2})],
)
def test_a_tap_gives_or_takes_one_vote(mine, item, delta, after):
    assert retro.tapped(mine, item, delta) == after


@pytest.mark.parametrize(
    "mine, item, delta, message",
    [
        ({}, 1, -1, "You have no vote on that item to take away."),
        ({1: 3, 2: 2}, 3, 1, "You have given all 5 votes: take one from another item first."),
        ({}, 1, 2, "A tap gives one vote or takes one away."),
    ],
)
def test_a_tap_that_cannot_be_is_refused(mine, item, delta, message):
    with pytest.raises(RetroRefused, match=message):
        retro.tapped(mine, item, delta)


def test_four_votes_on_one_item_are_still_too_many_after_a_tap():
    items = [retro.Item(1, "learned", "Fixtures")]
    assert "At most 3 votes" in retro.vote_problem(retro.tapped({1: 3}, 1, 1), items)


@pytest.mark.parametrize(
    "elapsed, words, over",
    [(0, "5 min left", False), (50, "5 min left", False), (61, "4 min left", False), (280, "1 min left", False),
     (300, "time is up", True), (359, "time is up", True), (420, "over by 2 min", True)],
)  # fmt: skip
def test_the_timebox_says_minutes_left_or_over(elapsed, words, over):
    box = phases.timebox("group", elapsed)  # 5 minutes
    assert (box.words, box.over, box.minutes) == (words, over, 5)


# -- the live part ---------------------------------------------------------------------------------


def test_the_live_part_answers_as_the_page_and_304_while_nothing_changes(app, s):
    day = s.days[2]
    cache = learning(s, day, s.ana, "stuck", "The CI cache never hits")
    lead, ana, outsider = client_for(app, s.lead), client_for(app, s.ana), client_for(app, s.outsider)
    run_to(lead, s, day, "vote")
    assert outsider.get(url(s, day, "run/state")).status_code == 404
    lead.get(url(s, day, "run/state"))  # the lead is there (a new presence is a change)
    first = ana.get(url(s, day, "run/state"))
    assert first.status_code == 200 and "<html" not in text(first) and "The CI cache never hits" in text(first)
    etag = first.headers["ETag"]
    again = ana.get(url(s, day, "run/state"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert lead.get(url(s, day, "run/state"), headers={"If-None-Match": etag}).status_code == 304  # same state
    ana.post(url(s, day, "run/vote"), data={"item": cache, "delta": 1})
    changed = lead.get(url(s, day, "run/state"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "1 vote given" in text(changed)
    step(lead, s, day, "vote", "discuss")
    follows = ana.get(url(s, day, "run/state"), headers={"If-None-Match": changed.headers["ETag"]})
    assert follows.status_code == 200 and "Top items" in text(follows)


def test_polling_records_presence_once_and_writes_nothing_after(app, s):
    day = s.days[2]
    lead, bo, admin = client_for(app, s.lead), client_for(app, s.bo), client_for(app, s.admin)
    assert bo.get(url(s, day, "run/state")).status_code == 200  # before the start: nothing recorded
    run_to(lead, s, day, "read")
    for _ in range(3):
        bo.get(url(s, day, "run/state"))
        admin.get(url(s, day, "run/state"))  # not invited: never counted as there
    db.session.expire_all()
    rows = db.session.execute(sa.select(Presence.user_id, Presence.seen_at)).all()
    assert [r.user_id for r in rows] == [s.bo.id]
    seen = dict(rows)[s.bo.id]
    bo.get(url(s, day, "run/state"))
    db.session.expire_all()
    assert db.session.scalar(sa.select(Presence.seen_at).where(Presence.user_id == s.bo.id)) == seen


# -- votes by tap ----------------------------------------------------------------------------------


def test_votes_by_tap_save_at_once_within_the_budget(app, s):
    day = s.days[2]
    a, b = (learning(s, day, s.ana, "learned", words) for words in ("Fixtures", "Caching"))
    lead, ana = client_for(app, s.lead), client_for(app, s.ana)
    run_to(lead, s, day, "vote")
    json = {"Accept": "application/json"}
    for _ in range(3):
        assert ana.post(url(s, day, "run/vote"), data={"item": a, "delta": 1}, headers=json).status_code == 200
    too_many = ana.post(url(s, day, "run/vote"), data={"item": a, "delta": 1}, headers=json)
    assert too_many.status_code == 409 and "At most 3 votes" in too_many.get_json()["error"]["message"]
    answer = ana.post(url(s, day, "run/vote"), data={"item": b, "delta": 1}, headers=json).get_json()
    assert answer == {"votes": {str(a): 3, str(b): 1}, "left": 1}
    back = ana.post(url(s, day, "run/vote"), data={"item": a, "delta": -1}, follow_redirects=True)  # no script
    assert "Your vote is saved: 2 of 5 left." in said(back) and "You have 2 of 5 votes left." in text(back)
    assert votes_by(s.ana) == {a: 2, b: 1}


def test_a_tap_outside_the_vote_phase_is_refused(app, s):
    day = s.days[2]
    a = learning(s, day, s.ana, "learned", "Fixtures")
    run_to(client_for(app, s.lead), s, day, "group")
    response = client_for(app, s.ana).post(url(s, day, "run/vote"), data={"item": a, "delta": 1}, follow_redirects=True)
    assert "Votes are given in the vote phase." in said(response) and votes_by(s.ana) == {}


def test_the_lead_groups_from_the_script_with_a_json_answer(app, s):
    day = s.days[2]
    a, b = (learning(s, day, s.ana, "learned", words) for words in ("Fixtures", "Caching"))
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "group")
    page = text(lead.get(url(s, day)))
    assert f'data-item="{a}"' in page and 'draggable="true"' in page
    answer = lead.post(url(s, day, "run/group"), data={"item": b, "into": a}, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.get_json() == {"done": True}
    again = lead.post(url(s, day, "run/group"), data={"item": b, "into": a}, headers={"Accept": "application/json"})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "These items are already in one group."


# -- the timebox -----------------------------------------------------------------------------------


def test_each_phase_has_its_timebox_from_when_it_began(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "read")
    week = week_of(s, day)
    assert week.phase_started_at >= week.started_at
    assert "7 min left" in text(lead.get(url(s, day)))
    week.phase_started_at -= timedelta(minutes=9, seconds=10)
    db.session.commit()
    page = text(lead.get(url(s, day)))
    assert "over by 2 min" in page and "retro-timebox-over" in page


# -- starting early --------------------------------------------------------------------------------


def test_a_session_started_before_its_day_asks_first_and_is_dated_the_day_it_was_held(app, s):
    today, day = s.today, s.days[2] + timedelta(weeks=1)
    lead = client_for(app, s.lead)
    page = text(lead.get(url(s, day)))
    assert f"This session is on {day_name(day)}; start it today anyway?" in page
    refused = lead.post(url(s, day, "run/start"), follow_redirects=True)
    assert f"This session is on {day_name(day)}; it starts early only when you say so." in said(refused)
    assert phase_of(s, day) is None
    stale = lead.post(url(s, day, "run/start"), data={"early": (day - timedelta(weeks=1)).isoformat()})
    assert stale.status_code == 302 and phase_of(s, day) is None  # a confirmation for another day
    lead.post(url(s, day, "run/start"), data={"early": day.isoformat()})
    assert phase_of(s, day) == "review"
    week = week_of(s, day)
    assert (week.held_on, week.planned_day) == (today, day)
    for seen, to in (("review", "read"), ("read", "group"), ("group", "vote"), ("vote", "discuss")):
        step(lead, s, day, seen, to)
    lead.post(url(s, day, "run/close"), data={"attended": [s.lead.id]})
    summary = text(lead.get(url(s, day, "summary")))
    assert f"Summary of the session of {today.day} " in summary and "it was held on" in summary
    history = text(lead.get(f"/sessions/{s.series_id}/history"))
    assert "(planned for" in history


def test_the_service_refuses_an_early_start_unless_told_anyway(app, s):
    from sessions.series.stored import week_row

    week = week_row(s.series, s.days[2] + timedelta(weeks=1))
    db.session.commit()
    with pytest.raises(running.StartsEarly):
        running.start(week.id)
    assert running.start(week.id, anyway=True) is True
    db.session.commit()
