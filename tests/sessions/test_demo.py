"""The demo organisation comes with the Payments team's weekly session, invites sent."""

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboundMail
from app.people.models import Team, User
from sessions.models import SessionSeries


def test_the_demo_lead_finds_a_weekly_session_with_the_team_invited(app, jobs):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    series = db.session.scalar(sa.select(SessionSeries))
    team = db.session.scalar(sa.select(Team).where(Team.name == "Payments"))
    assert series.team_id == team.id and series.organizer.id == team.lead_id
    team_ids = set(db.session.scalars(sa.select(User.id).where(User.team_id == team.id)))
    assert {m.user_id for m in series.members} == team_ids | {team.lead_id}

    jobs.run()
    invited = set(db.session.scalars(sa.select(OutboundMail.user_id).where(OutboundMail.kind == "session-request")))
    assert invited == team_ids | {team.lead_id}
