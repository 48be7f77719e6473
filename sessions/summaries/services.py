"""Summaries: the summary of a closed session, mailed to the people who were there (unless they
unsubscribed from summaries) and shown on its page, and the history of a series' closed sessions.
The summary job is enqueued by `sessions.retro.services.close` after its commit, and swept up on
the sessions' beat when it was lost."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.outgoing.unsubscribe import opted_out_of
from app.notices.channels import tell, tell_team
from app.notices.core import Card, Notice
from app.times import long_date
from app.urls import external_url
from app.webhooks import events as webhook_events
from sessions.models import ActionItem, Attendance, Phase, SessionWeek
from sessions.retro import rules as retro
from sessions.retro.queries import actions_raised, as_action, attendees_of, earlier_actions, items_of, votes_of
from sessions.series.schedule import email_problem

# The mail topic a person can unsubscribe from; invites and prompts still come.
SUMMARY_TOPIC = "session-summaries"


def send_summary(week_id: int) -> int:
    """Mail the summary of a closed session to each person who was there and did not
    unsubscribe from summaries; return how many were mailed. Safe to run twice: each
    person's email has a key of its own, so nobody gets it twice."""
    week = db.session.scalar(sa.select(SessionWeek).where(SessionWeek.id == week_id).with_for_update())
    if week is None or week.phase != Phase.CLOSED:
        return 0
    series = week.series
    people = attendees_of(week_id)
    unsubscribed = opted_out_of(SUMMARY_TOPIC, [p.id for p in people])
    summary = summary_of(week_id)
    page = external_url("sessions.summary_page", series_id=series.id, day=week.day.isoformat())
    history = external_url("sessions.history", series_id=series.id)
    mailed = 0
    for person in people:
        if person.id in unsubscribed or not person.active or email_problem(person.email):
            continue
        mail = dict(
            kind="session-summary",
            subject=f"Summary: {series.title}, {long_date(week.held_on)}",
            template="sessions/email/summary",
            about=week,
            thread=f"session-series-{series.id}",
            unsubscribe=SUMMARY_TOPIC,
            context=dict(series=series, week=week, summary=summary, page=page, history=history),
        )
        card = summary_card(series.title, week, summary, page)
        tell(person, Notice(f"session-summary:{week.id}:{person.id}", "sessions", card, mail, mail["thread"]))
        mailed += 1
    if series.team is not None:
        card = summary_card(series.title, week, summary, page, for_team=True)
        tell_team(series.team, Notice(f"session-summary:{week.id}:team", "sessions", card))
    if week.summary_sent_at is None:
        week.summary_sent_at = utcnow()
        webhook_events.session("session.summary_sent", series.id, series.team_id, week.day)
    db.session.flush()
    return mailed


def summary_card(title: str, week: SessionWeek, summary: retro.Summary, page: str, for_team: bool = False) -> Card:
    """The summary as a chat message: the top learnings (only for those who were there, as
    the mail: a team's channel may hold others) and the action items, then the page."""
    facts = [] if for_team else [("Top learning", top.group.head.text) for top in summary.top[:3]]
    facts += [("Action", f"{a.text} ({a.owner})" if a.owner else a.text) for a in summary.actions]
    text = f"{summary.items_count} learnings, {summary.votes_count} votes, {len(summary.actions)} action items."
    return Card(title=f"Summary: {title}, {long_date(week.held_on)}", text=text, facts=tuple(facts), link=page)


def send_due_summaries() -> int:
    """Send the summary of every closed session whose summary job was lost; safe to run
    on a beat. Runs in the periodic job, and commits each week on its own: a week is
    locked while its summary is sent, and one that fails leaves the others sent."""
    weeks = db.session.scalars(
        sa.select(SessionWeek.id).where(SessionWeek.phase == Phase.CLOSED, SessionWeek.summary_sent_at.is_(None))
    ).all()
    mailed = 0
    for week_id in weeks:
        mailed += send_summary(week_id)
        db.session.commit()
    return mailed


def summary_of(week_id: int) -> retro.Summary:
    """What the summary of the week's session says, with names as the series shows them now."""
    week = db.session.get(SessionWeek, week_id)
    earlier = earlier_actions(week.series_id, week.day, week.id)
    return retro.summarize(
        items_of(week_id, names_shown=True),
        votes_of(week_id),
        [as_action(a) for a in actions_raised(week_id)],
        done=[as_action(a) for a in earlier if a.done_week_id == week.id],
        still_open=[as_action(a) for a in earlier if a.done_at is None],
        attended=[p.name for p in attendees_of(week_id)],
        names_shown=week.series.names_shown,
    )


def history_of(series_id: int) -> tuple[list[SessionWeek], dict[int, list[ActionItem]], dict[int, int]]:
    """The series' closed sessions, newest first, with the action items raised at each and
    how many people were there (by week id): three queries, however long the history."""
    weeks = list(
        db.session.scalars(
            sa.select(SessionWeek)
            .where(SessionWeek.series_id == series_id, SessionWeek.phase == Phase.CLOSED)
            .order_by(SessionWeek.day.desc())
        )
    )
    ids = [w.id for w in weeks]
    raised: dict[int, list[ActionItem]] = {i: [] for i in ids}
    counts: dict[int, int] = {}
    if ids:
        for action in db.session.scalars(
            sa.select(ActionItem).where(ActionItem.week_id.in_(ids)).order_by(ActionItem.id)
        ):
            raised[action.week_id].append(action)
        counts = dict(
            db.session.execute(
                sa.select(Attendance.week_id, sa.func.count())
                .where(Attendance.week_id.in_(ids))
                .group_by(Attendance.week_id)
            ).all()
        )
    return weeks, raised, counts
