"""The prompt before each session, and the replies to it: every invitee is asked for their
learnings by email within the series' prompt time, and a reply to that email adds the
learnings it holds to the week as the sender's.

    send_due_prompts(utcnow())      # on the sessions' beat; commits per series
    save_reply(reply)               # the reply handler of LEARNINGS_PURPOSE; the intake commits

What a reply says is read by the pure `sessions.learnings.text`; whether the person may add
to the week is `sessions.learnings.services.why_not_add`, as on the week's page.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import Reply, ReplyRefused
from app.notices.channels import tell, tell_team
from app.notices.core import Button, Card, Notice
from app.times import day_name, describe_when
from app.urls import external_url
from sessions.learnings.services import why_not_add
from sessions.learnings.text import REPLY_LABELS, TEXT_MAX, read_reply, reply_problem
from sessions.models import Learning, LearningKind, SessionSeries, SessionWeek
from sessions.series.coming import invitees, tell_coming_weeks
from sessions.series.schedule import Occurrence

log = logging.getLogger(__name__)

# The purpose of the reply address of a person's prompt: their reply adds learnings to the week.
LEARNINGS_PURPOSE = "session-learnings"


# -- the prompt --------------------------------------------------------------------------------


def send_due_prompts(now: datetime) -> int:
    """Ask each invitee for learnings before every session that starts within its series'
    prompt time (a day by default) and has not started; return how many emails were queued.
    Each week is asked once (`prompted_at`); safe to run twice. Runs in the periodic job,
    and commits each series on its own: its row is locked while its weeks are asked."""
    return tell_coming_weeks(now, lambda row: timedelta(hours=row.prompt_hours), "prompted_at", _prompt_week)


def _prompt_week(row: SessionSeries, week: SessionWeek, session: Occurrence) -> int:
    sent = 0
    page = external_url("sessions.week_page", series_id=row.id, day=week.day.isoformat())
    for person in invitees(row):
        when = describe_when(session.start_utc, session.end_utc, person.timezone)
        mail = dict(
            kind="session-prompt",
            subject=f"Your learnings for {row.title} ({day_name(session.start_local)})",
            template="sessions/email/prompt",
            about=week,
            thread=f"session-week-{week.id}",
            reply_to=reply_address(LEARNINGS_PURPOSE, week.id, person.id),
            context=dict(
                series=row,
                page=page,
                when=when,
                labels=REPLY_LABELS,
                text_max=TEXT_MAX,
                names_shown=row.names_shown,
            ),
        )
        card = prompt_card(row, page, when)
        tell(person, Notice(f"session-prompt:{week.id}:{person.id}", "sessions", card, mail, mail["thread"]))
        sent += 1
    if row.team is not None:
        when = describe_when(session.start_utc, session.end_utc, row.timezone)
        tell_team(row.team, Notice(f"session-prompt:{week.id}:team", "sessions", prompt_card(row, page, when)))
    if sent:
        log.info("session prompt: series=%s week=%s emails=%s", row.id, week.day, sent)
    return sent


def prompt_card(row: SessionSeries, page: str, when: str) -> Card:
    """The learnings prompt as a chat message: when the session is, and where to add them."""
    return Card(
        title=f"Your learnings for {row.title}",
        text=f"The session is {when}. What did you learn this week, what went well, what was hard?",
        buttons=(Button("Add your learnings", url=page, style="primary"),),
        link=page,
    )


# -- replies to the prompt ---------------------------------------------------------------------


def save_reply(reply: Reply, via: str = "email") -> None:
    """Add the learnings in a reply to the prompt email as the sender's (`via` the email, or
    the chat thread of the prompt they were written in).

    The same email handed over twice adds its learnings once, and an item the person has
    already brought to the week (same kind, same words) is not added again. Raises
    ReplyRefused, having saved nothing, when the week is closed, skipped or gone, the sender
    is no longer invited, or the reply holds no learnings or too long ones."""
    source = reply.source_key
    if source is not None and db.session.scalar(
        sa.select(sa.exists().where(Learning.source_message_id == source, Learning.author_id == reply.user_id))
    ):
        return
    week = db.session.get(SessionWeek, reply.object_id)
    if week is None:
        raise ReplyRefused("That session no longer exists, so your learnings were not added.")
    row = week.series
    refusal = why_not_add(row, week, reply.user_id)
    if refusal:
        raise ReplyRefused(
            f"{refusal} Your learnings were not added. The series: "
            f"{external_url('sessions.series_page', series_id=row.id)}"
        )
    items = read_reply(reply.text)
    problem = reply_problem(items)
    if problem:
        raise ReplyRefused(problem)
    had = {
        (str(kind), text.casefold())
        for kind, text in db.session.execute(
            sa.select(Learning.kind, Learning.text).where(
                Learning.week_id == week.id, Learning.author_id == reply.user_id
            )
        )
    }
    for item in items:
        if (item.kind, item.text.casefold()) in had:
            continue
        db.session.add(
            Learning(
                week_id=week.id,
                author_id=reply.user_id,
                kind=LearningKind(item.kind),
                text=item.text,
                via=via,
                source_message_id=source,
            )
        )
    db.session.flush()
