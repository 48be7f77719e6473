"""Running a week's retro: starting it, walking its phases, grouping, voting, recording action
items and attendance, closing it, and mailing the summary to the people who were there.

The rules are `sessions.retro.rules`'s; this module loads the rows, applies the rules and saves.
Each change takes the week's row lock first (SELECT ... FOR UPDATE on PostgreSQL), so two
tabs or two clicks are applied one after the other, never half each. Nothing here commits:
the caller does; the summary job is enqueued for after that commit. Anything refused raises
`RetroRefused` with the reason in plain words, and changes nothing.

    start(week.id)
    change_phase(week.id, "review", "read")
    cast_votes(week.id, user.id, {12: 3, 15: 2})
    close(week.id, [user.id, ...])    # then the summary goes out
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import request_keys
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.mail.compose import send_mail
from app.mail.unsubscribe import opted_out_of
from app.people.models import User
from app.urls import external_url
from sessions.retro import rules as retro
from sessions.access import current_invitees
from sessions.models import (
    ActionItem, Attendance, Learning, Phase, SeriesMember, SessionSeries, SessionWeek, Vote, WeekAnswer,
)
from sessions.retro.rules import RetroRefused
from sessions.series.schedule import email_problem, long_date

# The mail topic a person can unsubscribe from; invites and prompts still come.
SUMMARY_TOPIC = "session-summaries"


# -- starting and walking the phases -------------------------------------------------------------


def start(week_id: int) -> bool:
    """Start the week's session at its first phase; from now on everyone invited sees the
    week's learnings. Return False when it had already started."""
    week = _locked(week_id)
    if week.phase is not None:
        return False
    if week.skipped:
        raise RetroRefused("This week's session is skipped; restore the week on the series page to run it.")
    if week.series.cancelled_at is not None:
        raise RetroRefused("The series is cancelled; its sessions can no longer be run.")
    week.phase, week.started_at = Phase.REVIEW, utcnow()
    return True


def change_phase(week_id: int, seen: str, wanted: str) -> Phase:
    """Go one phase forward or back from `seen`, the phase the lead was looking at."""
    week = _locked(week_id)
    retro.check_step(week.phase.value if week.phase else None, seen, wanted)
    week.phase = Phase(wanted)
    return week.phase


# -- grouping ----------------------------------------------------------------------------------


def group_items(week_id: int, item_id: int, into_id: int) -> None:
    """Put an item (with its group, when it heads one) under another item's group; votes
    already given move to the head."""
    week = _locked(week_id)
    _require(week, Phase.GROUP, "Items are grouped in the group phase.")
    rows = _learning_rows(week_id)
    _regroup(week_id, rows, retro.merge(_as_items(rows), item_id, into_id))


def ungroup_item(week_id: int, item_id: int) -> None:
    """Take an item out of its group (a head's whole group comes apart)."""
    week = _locked(week_id)
    _require(week, Phase.GROUP, "Items are grouped in the group phase.")
    rows = _learning_rows(week_id)
    _regroup(week_id, rows, retro.ungroup(_as_items(rows), item_id))


def _regroup(week_id: int, rows: list[Learning], changes: Mapping[int, int | None]) -> None:
    for row in rows:
        if row.id in changes:
            row.group_id = changes[row.id]
    ballots = votes_of(week_id)
    moved = retro.moved_votes(_as_items(rows), ballots)
    if moved != {(b.voter_id, b.item_id): b.count for b in ballots}:
        db.session.execute(sa.delete(Vote).where(Vote.week_id == week_id))
        db.session.add_all(Vote(week_id=week_id, voter_id=voter, learning_id=item, count=count)
                           for (voter, item), count in sorted(moved.items()))
    db.session.flush()


# -- voting ------------------------------------------------------------------------------------


def cast_votes(week_id: int, voter_id: int, wanted: Mapping[int, int]) -> dict[int, int]:
    """Replace the person's votes for the week with `wanted` ({item id: votes}), all or
    nothing. The week's lock makes a second tab wait, then replace this one's votes, so the
    budget holds however many tabs vote at once. Return the votes saved."""
    week = _locked(week_id)
    _require(week, Phase.VOTE, "Votes are given in the vote phase.")
    if voter_id not in invitee_ids(week.series_id):
        raise RetroRefused("Only people invited to the session vote.")
    wanted = {item: count for item, count in wanted.items() if count != 0}
    problem = retro.vote_problem(wanted, items_of(week_id))
    if problem:
        raise RetroRefused(problem)
    db.session.execute(sa.delete(Vote).where(Vote.week_id == week_id, Vote.voter_id == voter_id))
    db.session.add_all(Vote(week_id=week_id, voter_id=voter_id, learning_id=item, count=count)
                       for item, count in sorted(wanted.items()))
    db.session.flush()
    return wanted


# -- action items ------------------------------------------------------------------------------


def add_action(week_id: int, by_user_id: int, text: str, owner_id: int | None, due: date | None,
               item_id: int | None = None, request_key: str | None = None) -> int:
    """Record an action item decided at the session, with its owner and due date, and the
    item it was decided on, if any; return its id. It comes back every week until done.
    The same item sent again with the same `request_key` (the form's) is recorded once."""
    key = request_keys.request_key(request_key)
    week = _locked(week_id)
    _require_running(week)
    problems = retro.action_problems(text, owner_id, invitee_ids(week.series_id), due, today_for(week.series))
    if item_id is not None and item_id not in {i.id for i in items_of(week_id)}:
        problems["item"] = "That item is not part of this session."
    if problems:
        raise RetroRefused("The action item was not added.", problems)
    action, _ = request_keys.insert_once(ActionItem, dict(
        series_id=week.series_id, week_id=week_id, learning_id=item_id, text=text.strip(), owner_id=owner_id,
        due_date=due, created_by_id=by_user_id, request_key=key),
        scope=("week_id", "created_by_id"), same=("text", "owner_id", "due_date", "learning_id"))
    return action.id


def mark_done(action_id: int, week_id: int | None = None) -> bool:
    """Mark an action item done, at a later week's session or (without a week) from the
    history. Return False when it was done already."""
    action = db.session.get(ActionItem, action_id)
    if week_id is not None:
        week = _locked(week_id)
        if week.series_id != action.series_id:
            raise RetroRefused("That action item belongs to another series.")
        _require_running(week)
        if week.day < action.week.day:
            raise RetroRefused("That action item was raised after this session.")
    if action.done_at is not None:
        return False
    action.done_at, action.done_week_id = utcnow(), week_id
    return True


# -- closing -----------------------------------------------------------------------------------


def close(week_id: int, attendee_ids: Iterable[int]) -> None:
    """Record who was there and close the session; the summary goes to them after the commit."""
    week = _locked(week_id)
    _require(week, Phase.DISCUSS, "The session is closed at the end of the discussion.")
    attended = set(attendee_ids)
    if not attended:
        raise RetroRefused("Tick at least one person who was there.", {"attended": "Tick who was there."})
    if attended - set(invitee_ids(week.series_id)):
        raise RetroRefused("Only people invited to the session can be recorded as there.",
                           {"attended": "Tick only people invited to the session."})
    db.session.add_all(Attendance(week_id=week_id, user_id=user_id) for user_id in sorted(attended))
    week.phase, week.closed_at = Phase.CLOSED, utcnow()
    db.session.flush()
    enqueue_after_commit(send_summary, week_id)


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
    mailed = 0
    for person in people:
        if person.id in unsubscribed or not person.active or email_problem(person.email):
            continue
        send_mail(key=f"session-summary:{week.id}:{person.id}", kind="session-summary", to=person,
                  subject=f"Summary: {series.title}, {long_date(week.day)}", template="sessions/email/summary",
                  about=week, thread=f"session-series-{series.id}", unsubscribe=SUMMARY_TOPIC,
                  context=dict(series=series, week=week, summary=summary, long_date=long_date,
                               page=external_url("sessions.summary_page", series_id=series.id,
                                                 day=week.day.isoformat()),
                               history=external_url("sessions.history", series_id=series.id)))
        mailed += 1
    if week.summary_sent_at is None:
        week.summary_sent_at = utcnow()
    db.session.commit()
    return mailed


def send_due_summaries() -> int:
    """Send the summary of every closed session whose summary job was lost; safe to run
    on a beat."""
    weeks = db.session.scalars(sa.select(SessionWeek.id).where(
        SessionWeek.phase == Phase.CLOSED, SessionWeek.summary_sent_at.is_(None))).all()
    return sum(send_summary(week_id) for week_id in weeks)


# -- what the pages and the summary show ---------------------------------------------------------


def items_of(week_id: int, names_shown: bool = False) -> list[retro.Item]:
    """The week's learnings as the retro sees them, earliest first."""
    return _as_items(_learning_rows(week_id), names_shown)


def votes_of(week_id: int, voter_id: int | None = None) -> list[retro.Ballot]:
    """The week's votes (or one person's)."""
    query = sa.select(Vote.voter_id, Vote.learning_id, Vote.count).where(Vote.week_id == week_id)
    if voter_id is not None:
        query = query.where(Vote.voter_id == voter_id)
    return [retro.Ballot(*row) for row in db.session.execute(query.order_by(Vote.id))]


def voters_count(week_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(Vote.voter_id))).where(Vote.week_id == week_id))


def invitees(series_id: int) -> list[User]:
    """The people invited to the series now, by name."""
    return list(db.session.scalars(sa.select(User).where(User.id.in_(invitee_ids_query(series_id)))
                                   .order_by(User.name, User.id)))


def invitee_ids(series_id: int) -> list[int]:
    return list(db.session.scalars(invitee_ids_query(series_id)))


def invitee_ids_query(series_id: int) -> sa.Select:
    """The ids of the people invited to the series now (sessions.access.invited_now)."""
    return current_invitees().where(SeriesMember.series_id == series_id).with_only_columns(SeriesMember.user_id)


def expected(week: SessionWeek) -> set[int]:
    """The invitees who did not decline this week (their answer for the week, or else for
    the series): the attendance starts ticked for them."""
    for_week = dict(db.session.execute(sa.select(WeekAnswer.user_id, WeekAnswer.partstat).where(
        WeekAnswer.week_id == week.id)).all()) if week.id is not None else {}
    members = db.session.execute(sa.select(SeriesMember.user_id, SeriesMember.partstat).where(
        SeriesMember.series_id == week.series_id, SeriesMember.user_id.in_(invitee_ids_query(week.series_id))))
    return {user_id for user_id, partstat in members if for_week.get(user_id, partstat) != "DECLINED"}


def attendees_of(week_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).join(Attendance, Attendance.user_id == User.id)
                                   .where(Attendance.week_id == week_id).order_by(User.name, User.id)))


def earlier_actions(series_id: int, day: date, week_id: int | None = None) -> list[ActionItem]:
    """The action items raised at earlier sessions that are still open, and those marked done
    at this one: the review goes through them."""
    done_here = ActionItem.done_week_id == week_id if week_id is not None else sa.false()
    return list(db.session.scalars(
        sa.select(ActionItem).join(SessionWeek, SessionWeek.id == ActionItem.week_id)
        .where(ActionItem.series_id == series_id, SessionWeek.day < day,
               sa.or_(ActionItem.done_at.is_(None), done_here))
        .order_by(ActionItem.due_date, ActionItem.id)))


def actions_raised(week_id: int) -> list[ActionItem]:
    return list(db.session.scalars(sa.select(ActionItem).where(ActionItem.week_id == week_id)
                                   .order_by(ActionItem.id)))


def open_actions(series_id: int) -> list[ActionItem]:
    return list(db.session.scalars(sa.select(ActionItem).where(
        ActionItem.series_id == series_id, ActionItem.done_at.is_(None)).order_by(ActionItem.due_date, ActionItem.id)))


def as_action(row: ActionItem) -> retro.Action:
    return retro.Action(row.id, row.text, row.owner.name if row.owner else None, row.due_date,
                        row.learning_id, row.done_at is not None)


def summary_of(week_id: int) -> retro.Summary:
    """What the summary of the week's session says, with names as the series shows them now."""
    week = db.session.get(SessionWeek, week_id)
    earlier = earlier_actions(week.series_id, week.day, week.id)
    return retro.summarize(
        items_of(week_id, names_shown=True), votes_of(week_id), [as_action(a) for a in actions_raised(week_id)],
        done=[as_action(a) for a in earlier if a.done_week_id == week.id],
        still_open=[as_action(a) for a in earlier if a.done_at is None],
        attended=[p.name for p in attendees_of(week_id)], names_shown=week.series.names_shown)


def history_of(series_id: int) -> tuple[list[SessionWeek], dict[int, list[ActionItem]], dict[int, int]]:
    """The series' closed sessions, newest first, with the action items raised at each and
    how many people were there (by week id): three queries, however long the history."""
    weeks = list(db.session.scalars(sa.select(SessionWeek).where(
        SessionWeek.series_id == series_id, SessionWeek.phase == Phase.CLOSED).order_by(SessionWeek.day.desc())))
    ids = [w.id for w in weeks]
    raised: dict[int, list[ActionItem]] = {i: [] for i in ids}
    counts: dict[int, int] = {}
    if ids:
        for action in db.session.scalars(sa.select(ActionItem).where(ActionItem.week_id.in_(ids))
                                         .order_by(ActionItem.id)):
            raised[action.week_id].append(action)
        counts = dict(db.session.execute(sa.select(Attendance.week_id, sa.func.count()).where(
            Attendance.week_id.in_(ids)).group_by(Attendance.week_id)).all())
    return weeks, raised, counts


def learnings_count(week_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Learning).where(Learning.week_id == week_id))


def today_for(series: SessionSeries) -> date:
    """Today's date where the series meets: due dates are days there."""
    return utcnow().astimezone(ZoneInfo(series.timezone)).date()


# -- helpers ----------------------------------------------------------------------------------


def _locked(week_id: int) -> SessionWeek:
    """The week's row, locked for the rest of the transaction and read afresh."""
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.id == week_id).with_for_update()
                             .execution_options(populate_existing=True))


def _require(week: SessionWeek, phase: Phase, why: str) -> None:
    _require_running(week)
    if week.phase != phase:
        raise RetroRefused(f"{why} The session is at {retro.quote(retro.phase_title(week.phase.value))}.")


def _require_running(week: SessionWeek) -> None:
    if week.phase is None:
        raise RetroRefused("The session has not started yet.")
    if week.phase == Phase.CLOSED:
        raise RetroRefused("The session is closed; nothing in it can change any more.")


def _learning_rows(week_id: int) -> list[Learning]:
    return list(db.session.scalars(sa.select(Learning).where(Learning.week_id == week_id)
                                   .order_by(Learning.created_at, Learning.id)))


def _as_items(rows: list[Learning], names_shown: bool = False) -> list[retro.Item]:
    return [retro.Item(r.id, r.kind.value, r.text, r.author.name if names_shown and r.author else None,
                       r.group_id) for r in rows]
