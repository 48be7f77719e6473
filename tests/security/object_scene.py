"""The object-access tests' world (the access scene, with people who have no part in its objects
and another team's session in its vote phase), and the refusals they send and check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.extensions import db
from app.people.models import User
from sessions.models import Learning, LearningKind, SessionSeries
from sessions.retro import services as running
from sessions.series.stored import week_row
from tests.security.access_scene import Browser, Scene, changed_tables, database_state

API = "/api/v1"


@dataclass
class World:
    """The scene, with people who have no part in its objects and another team's session."""

    s: Scene
    teammate: User  # a new hire of Payments with no part in Nina's things
    other_mentor: User  # a mentor of Payments, never asked
    platform_series: SessionSeries
    platform_day: date  # Platform's last session, now in its vote phase
    platform_learning: Learning
    voting_day: date  # Payments' last session, now in its vote phase
    payments_learning: Learning
    tokens: dict[int, dict[str, str]]  # API headers by person id, made before any request

    def browser(self, app, user: User) -> Browser:
        return Browser(app, user)

    def api(self, user: User) -> dict[str, str]:
        return self.tokens[user.id]


def vote_phase(series: SessionSeries, day: date, author: User, text: str) -> Learning:
    """Run the series' session of `day` to its vote phase, with one learning in it."""
    week = week_row(series, day)
    learning = Learning(week_id=week.id, author_id=author.id, kind=LearningKind("learned"), text=text)
    db.session.add(learning)
    db.session.flush()
    running.start(week.id)
    for seen, to in (("review", "read"), ("read", "group"), ("group", "vote")):
        running.change_phase(week.id, seen, to)
    db.session.commit()
    return learning


class Refusals:
    """Send requests that must be refused; note each one answered otherwise, that showed what
    it must not, or that changed anything."""

    def __init__(self):
        self.wrong: list[str] = []
        self.state = None  # as the last refusal left it: nothing but refusals writes between them

    def expect(self, what: str, status: int, send, hidden: tuple[str, ...] = ()):
        before = self.state if self.state is not None else database_state()
        response = send()
        if response.status_code != status:
            self.wrong.append(f"{what}: {response.status_code}, not {status}")
        shown = response.get_data(as_text=True)
        self.wrong += [f"{what} shows {text!r}" for text in hidden if text in shown]
        self.state = database_state()
        if tables := changed_tables(before, self.state):
            self.wrong.append(f"{what} changed {', '.join(tables)}")
        return response

    def check(self):
        assert not self.wrong, "\n".join(self.wrong)
