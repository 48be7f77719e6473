"""Running a week's retro: starting it, walking its phases, grouping, voting, recording action
items and attendance, and closing it; the summary then goes out (`sessions.summaries`).

The rules are `sessions.retro.rules`'s; this module loads the rows, applies the rules and saves.
Each change takes the week's row lock first (SELECT ... FOR UPDATE on PostgreSQL), so two
tabs or two clicks are applied one after the other, never half each. Nothing here commits:
the caller does; the summary job is enqueued for after that commit. Anything refused raises
`RetroRefused` with the reason in plain words, and changes nothing.

    start(week.id)                 # refused before the session's day, unless anyway=True
    change_phase(week.id, "review", "read")
    cast_votes(week.id, user.id, {12: 3, 15: 2})
    close(week.id, [user.id, ...])    # then the summary goes out
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import sqlalchemy as sa

from app import request_keys
from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.times import day_name
from sessions.models import (
    ActionItem,
    Attendance,
    Learning,
    Phase,
    Presence,
    SessionWeek,
    Vote,
)
from sessions.retro import phases
from sessions.retro import rules as retro
from sessions.retro.queries import (
    as_items,
    invitee_ids,
    items_of,
    learning_rows,
    session_date,
    today_for,
    votes_of,
    was_seen,
)
from sessions.retro.rules import RetroRefused
from sessions.summaries.services import send_summary

# -- starting and walking the phases -------------------------------------------------------------


class StartsEarly(RetroRefused):
    """The session is started before its day: the lead says so first. `day` is its day."""

    def __init__(self, day: date):
        super().__init__(f"This session is on {day_name(day)}; it starts early only when you say so.")
        self.day = day


def start(week_id: int, anyway: bool = False) -> bool:
    """Start the week's session at its first phase; from now on everyone invited sees the
    week's learnings. Before the session's day (where the series meets) it starts only
    `anyway` (StartsEarly otherwise); the summary is then dated the day it started.
    Return False when it had already started."""
    week = _locked(week_id)
    if week.phase is not None:
        return False
    if week.skipped:
        raise RetroRefused("This week's session is skipped; restore the week on the series page to run it.")
    if week.series.cancelled_at is not None:
        raise RetroRefused("The series is cancelled; its sessions can no longer be run.")
    if not anyway and today_for(week.series) < session_date(week):
        raise StartsEarly(session_date(week))
    week.phase, week.started_at = Phase.REVIEW, utcnow()
    week.phase_started_at = week.started_at
    return True


def change_phase(week_id: int, seen: str, wanted: str) -> Phase:
    """Go one phase forward or back from `seen`, the phase the lead was looking at; the
    phase's timebox counts from now."""
    week = _locked(week_id)
    phases.check_step(week.phase.value if week.phase else None, seen, wanted)
    week.phase, week.phase_started_at = Phase(wanted), utcnow()
    return week.phase


def note_presence(week: SessionWeek, user_id: int) -> bool:
    """Record that someone invited opened the run page while the session runs: once per person
    and week (one read when it is recorded already, so a page polled every second writes
    nothing). Return True when this recorded it."""
    if week.phase in (None, Phase.CLOSED) or was_seen(week.id, user_id):
        return False
    if user_id not in invitee_ids(week.series_id):
        return False
    return (
        insert_unless_exists(
            Presence.__table__, dict(week_id=week.id, user_id=user_id, seen_at=utcnow()), ["week_id", "user_id"]
        )
        is not None
    )


# -- grouping ----------------------------------------------------------------------------------


def group_items(week_id: int, item_id: int, into_id: int) -> None:
    """Put an item (with its group, when it heads one) under another item's group; votes
    already given move to the head."""
    week = _locked(week_id)
    _require(week, Phase.GROUP, "Items are grouped in the group phase.")
    rows = learning_rows(week_id)
    _regroup(week_id, rows, retro.merge(as_items(rows), item_id, into_id))


def ungroup_item(week_id: int, item_id: int) -> None:
    """Take an item out of its group (a head's whole group comes apart)."""
    week = _locked(week_id)
    _require(week, Phase.GROUP, "Items are grouped in the group phase.")
    rows = learning_rows(week_id)
    _regroup(week_id, rows, retro.ungroup(as_items(rows), item_id))


def _regroup(week_id: int, rows: list[Learning], changes: Mapping[int, int | None]) -> None:
    for row in rows:
        if row.id in changes:
            row.group_id = changes[row.id]
    ballots = votes_of(week_id)
    moved = retro.moved_votes(as_items(rows), ballots)
    if moved != {(b.voter_id, b.item_id): b.count for b in ballots}:
        db.session.execute(sa.delete(Vote).where(Vote.week_id == week_id))
        db.session.add_all(
            Vote(week_id=week_id, voter_id=voter, learning_id=item, count=count)
            for (voter, item), count in sorted(moved.items())
        )
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
    db.session.add_all(
        Vote(week_id=week_id, voter_id=voter_id, learning_id=item, count=count)
        for item, count in sorted(wanted.items())
    )
    db.session.flush()
    return wanted


def tap_vote(week_id: int, voter_id: int, item_id: int, delta: int) -> dict[int, int]:
    """One tap on an item's + or −: one vote more or less, saved at once, within the same
    budget as `cast_votes`. Return the person's votes now."""
    week = _locked(week_id)
    _require(week, Phase.VOTE, "Votes are given in the vote phase.")
    mine = {b.item_id: b.count for b in votes_of(week_id, voter_id)}
    return cast_votes(week_id, voter_id, retro.tapped(mine, item_id, delta))


# -- action items ------------------------------------------------------------------------------


def add_action(
    week_id: int,
    by_user_id: int,
    text: str,
    owner_id: int | None,
    due: date | None,
    item_id: int | None = None,
    request_key: str | None = None,
) -> int:
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
    action, _ = request_keys.insert_once(
        ActionItem,
        dict(
            series_id=week.series_id,
            week_id=week_id,
            learning_id=item_id,
            text=text.strip(),
            owner_id=owner_id,
            due_date=due,
            created_by_id=by_user_id,
            request_key=key,
        ),
        scope=("week_id", "created_by_id"),
        same=("text", "owner_id", "due_date", "learning_id"),
    )
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
        raise RetroRefused(
            "Only people invited to the session can be recorded as there.",
            {"attended": "Tick only people invited to the session."},
        )
    db.session.add_all(Attendance(week_id=week_id, user_id=user_id) for user_id in sorted(attended))
    week.phase, week.closed_at = Phase.CLOSED, utcnow()
    db.session.flush()
    enqueue_after_commit(send_summary, week_id)


# -- helpers ----------------------------------------------------------------------------------


def _locked(week_id: int) -> SessionWeek:
    """The week's row, locked for the rest of the transaction and read afresh."""
    return db.session.scalar(
        sa.select(SessionWeek)
        .where(SessionWeek.id == week_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _require(week: SessionWeek, phase: Phase, why: str) -> None:
    _require_running(week)
    if week.phase != phase:
        raise RetroRefused(f"{why} The session is at {retro.quote(phases.phase_title(week.phase.value))}.")


def _require_running(week: SessionWeek) -> None:
    if week.phase is None:
        raise RetroRefused("The session has not started yet.")
    if week.phase == Phase.CLOSED:
        raise RetroRefused("The session is closed; nothing in it can change any more.")
