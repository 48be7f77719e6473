"""The scene the retro tests share: a team with a weekly series, its people's browsers, and
short ways to add learnings, walk the phases and read the pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g

from app.extensions import db, utcnow
from app.people.models import Role, User
from sessions.models import Learning, LearningKind, SessionSeries, SessionWeek, Vote
from sessions.retro import queries
from sessions.retro import services as running
from sessions.series.stored import week_row
from tests.factories import Factories
from tests.sessions.weekly import weekly_series

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
        return queries.today_for(self.series)


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
    series_id = weekly_series(team.id, lead.id, first)
    db.session.get(SessionSeries, series_id).names_shown = names_shown
    db.session.commit()
    return Scene(lead, ana, bo, outsider, admin, series_id, [first + timedelta(weeks=n) for n in range(3)])


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
    return "\n".join(
        html.unescape(m)
        for m in re.findall(r'<p class="flash \w+" role="status">(.*?)</p>', response.get_data(as_text=True))
    )


def learning(s: Scene, day: date, author: User, kind: str, words: str) -> int:
    week = week_row(s.series, day)
    row = Learning(week_id=week.id, author_id=author.id, kind=LearningKind(kind), text=words)
    db.session.add(row)
    db.session.commit()
    return row.id


def week_of(s: Scene, day: date) -> SessionWeek | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.series_id == s.series_id, SessionWeek.day == day))


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
    for seen, to in zip(PHASES, PHASES[1 : PHASES.index(phase) + 1], strict=False):
        assert step(client, s, day, seen, to).status_code == 302
    assert phase_of(s, day) == phase


def run_with_services(s: Scene, day: date, phase: str) -> SessionWeek:
    """The same, through the services, for tests about later weeks."""
    week = week_row(s.series, day)
    running.start(week.id)
    for seen, to in zip(PHASES, PHASES[1 : PHASES.index(phase) + 1], strict=False):
        running.change_phase(week.id, seen, to)
    db.session.commit()
    return week
