"""Voting and grouping in a running retro: invitees vote on their own devices within the
budget, however many tabs they use, and grouping moves the votes with the items."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from sessions.models import Learning, SessionWeek
from tests.lock_waits import together
from tests.sessions.retro.scene import Browser, client_for, learning, run_to, said, step, text, url, votes_by, week_of

# -- votes ---------------------------------------------------------------------------------------


@pytest.fixture
def voting(app, s):
    """Three items in the vote phase; the middle one is grouped under the first."""
    day = s.days[2]
    ids = [learning(s, day, s.ana, "learned", words) for words in ("Fixtures", "Caching", "Slow CI", "Rust")]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "group")
    lead.post(url(s, day, "run/group"), data={"item": ids[2], "into": ids[1]})
    step(lead, s, day, "group", "vote")
    ana = client_for(app, s.ana)
    assert ana.post(url(s, day, "run/votes"), data={f"votes-{ids[0]}": 2, f"votes-{ids[1]}": 1}).status_code == 302
    return day, ids, lead, ana


@pytest.mark.parametrize(
    "given, message",
    [
        ({0: "3", 1: "3"}, "You have 5 votes and gave 6: take 1 vote away."),
        ({0: "4"}, "At most 3 votes go on one item: you gave 4 to “Fixtures”."),
        ({0: "-1", 1: "2"}, "Votes cannot be negative: you gave -1 to “Fixtures”."),
        ({0: "lots"}, "Votes are whole numbers from 0 to 3; 'lots' is not one."),
        ({2: "1"}, "“Slow CI” is grouped under “Caching”: vote for the group instead."),
    ],
)
def test_votes_against_the_rules_are_refused_and_the_earlier_votes_stay(s, voting, given, message):
    day, ids, _, ana = voting
    response = ana.post(url(s, day, "run/votes"), data={f"votes-{ids[n]}": value for n, value in given.items()})
    assert response.status_code == 400
    page = text(response)
    assert f"Your votes were not saved. {message}" in page
    assert votes_by(s.ana) == {ids[0]: 2, ids[1]: 1}


def test_saving_votes_again_replaces_them(s, voting):
    day, ids, _, ana = voting
    response = ana.post(
        url(s, day, "run/votes"), data={f"votes-{ids[3]}": "3", f"votes-{ids[0]}": "0"}, follow_redirects=True
    )
    assert "Your votes are saved: 3 of 5 given." in said(response)
    assert votes_by(s.ana) == {ids[3]: 3}
    assert "You have 2 of 5 votes left." in text(response)


def test_two_tabs_together_stay_within_the_budget(s, voting):
    """A form from an older tab replaces the votes saved from the newer one: never both."""
    day, ids, _, ana = voting
    ana.post(url(s, day, "run/votes"), data={f"votes-{ids[0]}": "3", f"votes-{ids[1]}": "2"})
    ana.post(url(s, day, "run/votes"), data={f"votes-{ids[3]}": "3", f"votes-{ids[1]}": "2"})
    assert votes_by(s.ana) == {ids[3]: 3, ids[1]: 2}


def test_two_tabs_saving_at_the_same_moment_stay_within_the_budget(app, s, voting):
    """Two saves at once, on either database: both wait for the week's lock (on SQLite, its
    write lock), are let go together, and the second replaces the first's votes, so the person
    never has more than the budget."""
    day, ids, _, _ = voting
    week_id = week_of(s, day).id
    tabs = [client_for(app, s.ana) for _ in range(2)]
    ballots = [{ids[0]: 3, ids[1]: 2}, {ids[3]: 3, ids[1]: 2}]

    def save(tab: Browser, ballot: dict[int, int]) -> int:
        # A thread of its own has no app context to share: the client is used directly.
        data = {f"votes-{item}": str(count) for item, count in ballot.items()}
        return tab.client.post(url(s, day, "run/votes"), data=data).status_code

    statuses = together(
        db.engine,
        sa.select(SessionWeek.id).where(SessionWeek.id == week_id),
        [lambda pair=pair: save(*pair) for pair in zip(tabs, ballots, strict=True)],
    )

    assert statuses == [302, 302]
    assert votes_by(s.ana) in ballots


@pytest.mark.parametrize(
    "who, status, message",
    [
        ("outsider", 404, None),
        ("admin", 400, "Only people invited to the session vote."),
    ],
)
def test_only_invitees_vote(app, s, voting, who, status, message):
    day, ids, _, _ = voting
    voter = getattr(s, who)
    response = client_for(app, voter).post(url(s, day, "run/votes"), data={f"votes-{ids[0]}": "1"})
    assert response.status_code == status
    if message:
        assert message in text(response)
    assert votes_by(voter) == {}


def test_votes_are_given_only_in_the_vote_phase(s, voting):
    day, ids, lead, ana = voting
    step(lead, s, day, "vote", "discuss")
    response = ana.post(url(s, day, "run/votes"), data={f"votes-{ids[3]}": "1"})
    assert "Votes are given in the vote phase. The session is at “Discuss and decide”." in text(response)
    assert votes_by(s.ana) == {ids[0]: 2, ids[1]: 1}


def test_grouping_moves_the_votes_to_the_head(s, voting):
    day, ids, lead, ana = voting
    ana.post(url(s, day, "run/votes"), data={f"votes-{ids[0]}": "3", f"votes-{ids[1]}": "2"})
    bo = client_for(lead.application, s.bo)
    bo.post(url(s, day, "run/votes"), data={f"votes-{ids[0]}": "1", f"votes-{ids[3]}": "2"})
    step(lead, s, day, "vote", "group")
    lead.post(url(s, day, "run/group"), data={"item": ids[1], "into": ids[0]})  # with Slow CI under it
    assert {i: db.session.get(Learning, i).group_id for i in ids} == {
        ids[0]: None,
        ids[1]: ids[0],
        ids[2]: ids[0],
        ids[3]: None,
    }
    assert votes_by(s.ana) == {ids[0]: 3}  # 5 on one item is too many: 2 go back to Ana
    assert votes_by(s.bo) == {ids[0]: 1, ids[3]: 2}
    step(lead, s, day, "group", "vote")
    assert "You have 2 of 5 votes left." in text(ana.get(url(s, day)))
    step(lead, s, day, "vote", "discuss")
    discuss = text(lead.get(url(s, day)))
    assert discuss.index("Fixtures") < discuss.index("Rust") and "4 votes" in discuss


def test_ungrouping_takes_an_item_out(s, voting):
    day, ids, lead, _ = voting
    step(lead, s, day, "vote", "group")
    lead.post(url(s, day, "run/ungroup"), data={"item": ids[2]})
    assert db.session.get(Learning, ids[2]).group_id is None
    response = lead.post(url(s, day, "run/group"), data={"item": ids[1], "into": ""}, follow_redirects=True)
    assert "Choose the item to group it under." in said(response)
    step(lead, s, day, "group", "read")
    response = lead.post(url(s, day, "run/group"), data={"item": ids[1], "into": ids[0]}, follow_redirects=True)
    assert "Items are grouped in the group phase." in said(response)
    assert db.session.get(Learning, ids[1]).group_id is None
