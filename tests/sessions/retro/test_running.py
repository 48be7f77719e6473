"""Running a week's retro through its pages: the lead starts it and walks the phases, the
invitees vote on their own devices, items are grouped, action items are recorded and come
back every week until done, and the session is closed. Wrong input gets a clear message and
changes nothing; people outside the series get a 404."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import g

from app.extensions import db, utcnow
from app.people.models import Role, User
from sessions.retro import services as running
from sessions.models import ActionItem, Attendance, Learning, LearningKind, Phase, SessionSeries, SessionWeek, Vote
from sessions.retro.rules import RetroRefused
from sessions.series.services import SeriesFields, create_series, week_row
from tests.factories import Factories
from tests.lock_waits import together

PHASES = ["review", "read", "group", "vote", "discuss"]


@dataclass
class Scene:
    """A team with a weekly series: its lead, two members, someone from another team and an
    admin; the series meets on today's weekday, from two weeks ago."""

    lead: User
    ana: User
    bo: User
    outsider: User
    admin: User
    series_id: int
    days: list[date]  # two weeks ago, last week, today

    @property
    def series(self) -> SessionSeries:
        return db.session.get(SessionSeries, self.series_id)

    @property
    def today(self) -> date:
        return running.today_for(self.series)


def make_scene(make, names_shown: bool = False) -> Scene:
    lead = make.user(name="Lea Lead", roles=(Role.LEAD,))
    team = make.team(lead=lead)
    lead.team = team
    db.session.commit()
    ana = make.user(name="Ana Alvarez", team=team)
    bo = make.user(name="Bo Berg", team=team)
    outsider = make.user(name="Olga Outside", team=make.team())
    admin = make.admin(name="Ada Admin")
    first = utcnow().astimezone(ZoneInfo("Europe/Berlin")).date() - timedelta(days=14)
    series_id, _ = create_series(team.id, lead.id, SeriesFields(
        title="What did we learn?", weekday=first.weekday(), start_time=time(10), duration_minutes=30,
        timezone="Europe/Berlin", first_date=first))
    db.session.get(SessionSeries, series_id).names_shown = names_shown
    db.session.commit()
    return Scene(lead, ana, bo, outsider, admin, series_id, [first + timedelta(weeks=n) for n in range(3)])


@pytest.fixture
def s(make) -> Scene:
    return make_scene(make)


class Browser:
    """One person's browser: people run the session on devices of their own. The tests and
    the requests share one app context, so the person Flask-Login keeps in `g` is dropped
    before each request: each browser is known by its own session cookie only."""

    def __init__(self, app, user: User | None = None):
        self.application = app
        self.client = app.test_client()
        if user is not None:
            response = self.post("/sign-in", data={"email": user.email, "password": Factories.PASSWORD})
            assert response.status_code == 302, "sign-in failed"

    def get(self, *args, **kwargs):
        g.pop("_login_user", None)
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        g.pop("_login_user", None)
        return self.client.post(*args, **kwargs)


def client_for(app, user: User) -> Browser:
    return Browser(app, user)


def url(s: Scene, day: date, tail: str = "run") -> str:
    return f"/sessions/{s.series_id}/weeks/{day.isoformat()}/{tail}"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def said(response) -> str:
    """What the page's flash messages say, one per line."""
    return "\n".join(html.unescape(m) for m in re.findall(
        r'<p class="flash \w+" role="status">(.*?)</p>', response.get_data(as_text=True)))


def learning(s: Scene, day: date, author: User, kind: str, words: str) -> int:
    week = week_row(s.series, day)
    row = Learning(week_id=week.id, author_id=author.id, kind=LearningKind(kind), text=words)
    db.session.add(row)
    db.session.commit()
    return row.id


def week_of(s: Scene, day: date) -> SessionWeek | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.series_id == s.series_id,
                                                          SessionWeek.day == day))


def phase_of(s: Scene, day: date) -> str | None:
    week = week_of(s, day)
    return week.phase.value if week and week.phase else None


def votes_by(voter: User) -> dict[int, int]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Vote.learning_id, Vote.count).where(Vote.voter_id == voter.id)).all())


def ticked(page: str) -> dict[int, bool]:
    """The attendance checkboxes of the close form: person id -> ticked."""
    boxes = re.findall(r'<input (checked )?id="attended-\d+" name="attended" type="checkbox" value="(\d+)">', page)
    return {int(value): bool(checked) for checked, value in boxes}


def step(client, s: Scene, day: date, seen: str, to: str, **options):
    return client.post(url(s, day, "run/phase"), data={"seen": seen, "to": to}, **options)


def run_to(client, s: Scene, day: date, phase: str) -> None:
    """Start the week's session and walk it to `phase`, as the lead does."""
    assert client.post(url(s, day, "run/start")).status_code == 302
    for seen, to in zip(PHASES, PHASES[1:PHASES.index(phase) + 1]):
        assert step(client, s, day, seen, to).status_code == 302
    assert phase_of(s, day) == phase


def run_with_services(s: Scene, day: date, phase: str) -> SessionWeek:
    """The same, through the services, for tests about later weeks."""
    week = week_row(s.series, day)
    running.start(week.id)
    for seen, to in zip(PHASES, PHASES[1:PHASES.index(phase) + 1]):
        running.change_phase(week.id, seen, to)
    db.session.commit()
    return week


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
    assert "Voted so far: 2 of 3." in voting and "You have 5 of 5 votes left." in voting
    assert "You have 0 of 5 votes left." in text(ana.get(url(s, day)))

    step(lead, s, day, "vote", "discuss")
    discuss = text(lead.get(url(s, day)))
    top = [discuss.index(words) for words in ("The CI cache never hits", "Rust for the parser", "pytest fixtures")]
    assert top == sorted(top) and "4 votes" in discuss
    due = s.today + timedelta(days=7)
    response = lead.post(url(s, day, "run/actions"), data={
        "text": "Cache the pip wheels in CI", "owner": s.bo.id, "due": due.isoformat(), "item": cache},
        follow_redirects=True)
    assert "Action item added." in said(response)
    assert "Decided: Cache the pip wheels in CI <span class=\"muted\">(Bo Berg, due" in text(response)
    [action] = db.session.scalars(sa.select(ActionItem)).all()
    assert (action.owner_id, action.due_date, action.learning_id, action.week_id) == (s.bo.id, due, cache, week.id)

    closing = text(lead.get(url(s, day)))
    assert "Close and send summary" in closing
    assert ticked(closing) == {s.lead.id: True, s.ana.id: True, s.bo.id: True}  # nobody declined
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


def test_attendance_starts_unticked_for_someone_who_declined_this_week(app, s):
    from sessions.models import SeriesMember, WeekAnswer

    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "discuss")
    db.session.add(WeekAnswer(week_id=week_of(s, day).id, user_id=s.bo.id, partstat="DECLINED"))
    member = db.session.scalar(sa.select(SeriesMember).where(SeriesMember.user_id == s.ana.id))
    member.partstat = "DECLINED"  # for the series, but nothing said for this week
    db.session.commit()
    assert ticked(text(lead.get(url(s, day)))) == {s.lead.id: True, s.ana.id: False, s.bo.id: False}
    db.session.add(WeekAnswer(week_id=week_of(s, day).id, user_id=s.ana.id, partstat="ACCEPTED"))
    db.session.commit()
    assert ticked(text(lead.get(url(s, day))))[s.ana.id]  # coming this week after all


# -- phases --------------------------------------------------------------------------------------


def test_a_double_click_on_next_moves_one_phase(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "review")
    step(lead, s, day, "review", "read")
    again = step(lead, s, day, "review", "read", follow_redirects=True)
    assert "already moved on: it is at “Read learnings”" in said(again)
    assert phase_of(s, day) == "read"


@pytest.mark.parametrize("seen, to, message", [
    ("review", "group", "one phase at a time"),
    ("review", "closed", "with the attendance"),
    ("review", "picnic", "not a phase"),
])
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


@pytest.mark.parametrize("given, message", [
    ({0: "3", 1: "3"}, "You have 5 votes and gave 6: take 1 vote away."),
    ({0: "4"}, "At most 3 votes go on one item: you gave 4 to “Fixtures”."),
    ({0: "-1", 1: "2"}, "Votes cannot be negative: you gave -1 to “Fixtures”."),
    ({0: "lots"}, "Votes are whole numbers from 0 to 3; 'lots' is not one."),
    ({2: "1"}, "“Slow CI” is grouped under “Caching”: vote for the group instead."),
])
def test_votes_against_the_rules_are_refused_and_the_earlier_votes_stay(s, voting, given, message):
    day, ids, _, ana = voting
    response = ana.post(url(s, day, "run/votes"), data={f"votes-{ids[n]}": value for n, value in given.items()})
    assert response.status_code == 400
    page = text(response)
    assert message in page
    for n, value in given.items():  # what was typed stays in the form, to be fixed
        if n != 2:
            assert f'name="votes-{ids[n]}" min="0" max="3"' in page and f'value="{value}"' in page
    assert votes_by(s.ana) == {ids[0]: 2, ids[1]: 1}


def test_saving_votes_again_replaces_them(s, voting):
    day, ids, _, ana = voting
    response = ana.post(url(s, day, "run/votes"), data={f"votes-{ids[3]}": "3", f"votes-{ids[0]}": "0"},
                        follow_redirects=True)
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

    statuses = together(db.engine, sa.select(SessionWeek.id).where(SessionWeek.id == week_id),
                        [lambda pair=pair: save(*pair) for pair in zip(tabs, ballots)])

    assert statuses == [302, 302]
    assert votes_by(s.ana) in ballots


@pytest.mark.parametrize("who, status, message", [
    ("outsider", 404, None),
    ("admin", 400, "Only people invited to the session vote."),
])
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
    assert {i: db.session.get(Learning, i).group_id for i in ids} == {ids[0]: None, ids[1]: ids[0],
                                                                        ids[2]: ids[0], ids[3]: None}
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


# -- action items --------------------------------------------------------------------------------


@pytest.mark.parametrize("change, message", [
    ({"text": "  "}, "Say what is to be done."),
    ({"text": "x" * 501}, "Keep it to 500 characters (this is 501)."),
    ({"owner": "outsider"}, "The owner must be someone invited to the session."),
    ({"owner": ""}, "Choose who owns it."),
    ({"due": "yesterday"}, "is in the past"),
    ({"due": "soon"}, "Not a valid date value."),
    ({"item": 999999}, "That item is not part of this session."),
])
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
    response = lead.post(f"/sessions/actions/{action}/done", data={"week": s.days[0].isoformat()},
                         follow_redirects=True)
    assert "The session is closed; nothing in it can change any more." in said(response)
    assert db.session.get(ActionItem, action).done_at is None


def test_an_action_item_is_not_marked_done_at_an_earlier_session(s):
    earlier = run_with_services(s, s.days[0], "review")
    later = run_with_services(s, s.days[1], "discuss")
    action = running.add_action(later.id, s.lead.id, "Try the new runner", s.bo.id, s.today)
    with pytest.raises(RetroRefused, match="raised after this session"):
        running.mark_done(action, earlier.id)


# -- closing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("attended, message", [
    ([], "Tick at least one person who was there."),
    (["outsider"], "Only people invited to the session can be recorded as there."),
])
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


# -- who may -------------------------------------------------------------------------------------

PAGES = ["run", "history", "summary"]
SEE = [("lead", 200), ("admin", 200), ("ana", 200), ("outsider", 404)]


@pytest.fixture
def closed(app, s):
    week = run_with_services(s, s.days[1], "discuss")
    learning(s, s.days[1], s.ana, "learned", "Secret sauce")
    running.close(week.id, [s.ana.id])
    db.session.commit()
    return s.days[1]


def page_url(s: Scene, page: str, day: date) -> str:
    return f"/sessions/{s.series_id}/history" if page == "history" else url(s, day, page)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who, status", SEE)
def test_who_sees_the_pages(app, s, closed, page, who, status):
    response = client_for(app, getattr(s, who)).get(page_url(s, page, closed))
    assert response.status_code == status
    if status == 404:
        assert "Secret sauce" not in text(response)


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_people_are_sent_to_sign_in(app, s, closed, page):
    response = Browser(app).get(page_url(s, page, closed))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_session_not_closed_has_no_summary(app, s):
    lead = client_for(app, s.lead)
    run_to(lead, s, s.days[2], "read")
    assert lead.get(url(s, s.days[2], "summary")).status_code == 404


LEAD_ONLY = [("run/start", {}), ("run/phase", {"seen": "review", "to": "read"}), ("run/group", {"item": 1, "into": 2}),
             ("run/ungroup", {"item": 1}), ("run/actions", {"text": "x", "owner": 1, "due": "2099-01-01"}),
             ("run/close", {"attended": [1]})]


@pytest.mark.parametrize("tail, data", LEAD_ONLY)
@pytest.mark.parametrize("who, status", [("ana", 403), ("outsider", 404)])
def test_only_the_lead_drives_the_session(app, s, tail, data, who, status):
    day = s.days[2]
    run_with_services(s, day, "review")
    response = client_for(app, getattr(s, who)).post(url(s, day, tail), data=data)
    assert response.status_code == status
    assert phase_of(s, day) == "review"


def test_the_admin_may_drive_the_session(app, s):
    admin = client_for(app, s.admin)
    run_to(admin, s, s.days[2], "read")


def test_an_action_item_of_another_series_is_not_found(app, make, s):
    week = run_with_services(s, s.days[0], "discuss")
    action = running.add_action(week.id, s.lead.id, "Fix the flaky login test", s.ana.id, s.today)
    db.session.commit()
    other = make_scene(make)
    assert client_for(app, other.lead).post(f"/sessions/actions/{action}/done").status_code == 404
    assert client_for(app, s.lead).post("/sessions/actions/999999/done").status_code == 404
    assert db.session.get(ActionItem, action).done_at is None


def test_the_forms_need_their_csrf_token(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    app.config["WTF_CSRF_ENABLED"] = True
    assert lead.post(url(s, day, "run/start")).status_code == 400
    assert phase_of(s, day) is None
    page = text(lead.get(url(s, day)))
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert lead.post(url(s, day, "run/start"), data={"csrf_token": token}).status_code == 302
    assert phase_of(s, day) == "review"


def test_learning_text_is_escaped_on_the_run_page(app, s):
    day = s.days[2]
    learning(s, day, s.ana, "stuck", "<script>alert('x')</script> & <b>bold</b>")
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "read")
    raw = lead.get(url(s, day)).get_data(as_text=True)
    assert "<script>alert" not in raw and "&lt;script&gt;alert" in raw
