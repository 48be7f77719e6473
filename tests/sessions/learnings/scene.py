"""The scene the learnings tests share: a team with a weekly series and its people, and short
ways to add learnings and read the week's page."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.people.models import Role, Team, User
from sessions.learnings.services import add_learning, session_of
from sessions.models import Learning, SessionSeries, SessionWeek
from sessions.series import services
from tests.sessions.weekly import weekly_series

BERLIN = ZoneInfo("Europe/Berlin")
STUCK = "The CI cache keeps old wheels after a lock file change."


@dataclass
class Scene:
    """The Payments team's weekly series: Lea leads it, Ana and Bo are members; Otto leads
    another team, Olli is in it; Ada is an admin. `day` is the coming session, two days
    from now, and `past` the one a week before it, already held."""

    team: Team
    lead: User
    ana: User
    bo: User
    other_lead: User
    outsider: User
    admin: User
    series: SessionSeries
    day: date
    past: date

    def person(self, who: str) -> User:
        return getattr(self, who)

    def url(self, day: date | str | None = None) -> str:
        day = day or self.day
        return f"/sessions/{self.series.id}/weeks/{day if isinstance(day, str) else day.isoformat()}"

    def week(self, day: date | None = None) -> SessionWeek:
        """The week's row, made when needed, as a lead's action would."""
        row = services.week_row(db.session.get(SessionSeries, self.series.id), day or self.day)
        db.session.commit()
        return row

    def start(self, day: date | None = None) -> datetime:
        return session_of(db.session.get(SessionSeries, self.series.id), day or self.day).start_utc


def make_scene(make) -> Scene:
    team, other = make.team("Payments"), make.team("Platform")
    lead = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD, Role.MENTOR), team=team)
    other_lead = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,), team=other)
    team.lead, other.lead = lead, other_lead
    db.session.commit()
    ana = make.user("Ana Álvarez", "ana@example.com", team=team)
    bo = make.user("Bo Berg", "bo@example.com", team=team, timezone="America/New_York")
    outsider = make.user("Olli Outside", "olli@example.com", team=other)
    admin = make.admin(name="Ada Admin", email="ada@example.com")
    day = utcnow().astimezone(BERLIN).date() + timedelta(days=2)
    series_id = weekly_series(team.id, lead.id, day - timedelta(weeks=3), location="Room Fjord")
    db.session.commit()
    return Scene(
        team,
        lead,
        ana,
        bo,
        other_lead,
        outsider,
        admin,
        db.session.get(SessionSeries, series_id),
        day,
        day - timedelta(weeks=1),
    )


def learnings(s: Scene, day: date | None = None) -> list[Learning]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Learning)
            .join(SessionWeek)
            .where(SessionWeek.series_id == s.series.id, SessionWeek.day == (day or s.day))
            .order_by(Learning.id)
        )
    )


def add(s: Scene, who: str, text: str, kind: str = "learned", day: date | None = None) -> Learning:
    """A learning saved as the page would save it."""
    learning = add_learning(s.series.id, day or s.day, s.person(who).id, kind, text)
    db.session.commit()
    return learning


def page(client, auth, s: Scene, who: str, day: date | str | None = None) -> str:
    """The week's page as this person sees it."""
    auth.sign_out()
    auth.sign_in(s.person(who))
    response = client.get(s.url(day))
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def prompts(smtp) -> list:
    return [m for m in smtp.messages() if m["Subject"].startswith("Your learnings for What did we learn? (")]


def to(mail) -> str:
    return mail["To"].addresses[0].addr_spec


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
