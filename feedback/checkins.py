"""Mentorship check-ins: every CHECKIN_DAYS both sides of an active mentorship get a
two-question pulse ("Is this useful?" 1 to 5, "Anything to change?"); a side that says it is
not useful twice in a row flags the mentorship for the admins.

Services take ids and plain values, check who may act, commit, and record their mails to
go out after the commit. Sending is safe to run twice: a check-in is made once per side and
round, and its mail has a key.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from app.database import dialect_insert, insert_unless_exists
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db, utcnow
from app.mail.outgoing.unsubscribe import opted_out
from app.webhooks import events as webhook_events
from feedback import TOPIC, notices
from feedback.models import Checkin, MentorshipFlag, Side
from feedback.rules import LOW_IN_A_ROW, LOW_SCORE, checkin_round, low_in_a_row
from matching.models import Mentorship, MentorshipState

CHANGE_MAX = 1000
VIA = ("web", "api", "email")


class Closed(Conflict):
    """This check-in cannot be answered any more (a mentorship that ended, a newer check-in)."""


def checkin_days() -> int:
    """Days between check-ins: the CHECKIN_DAYS setting."""
    return int(current_app.config["CHECKIN_DAYS"])


def send_due_checkins(now: datetime | None = None) -> int:
    """Make and mail the check-ins due now for every active mentorship; return how many
    people were asked. A round already made is not made or mailed again. Runs in the
    periodic job, and commits each mentorship's round on its own, so one that fails leaves
    the others sent."""
    now = now or utcnow()
    days = checkin_days()
    active = db.session.execute(
        sa.select(
            Mentorship.id,
            Mentorship.started_at,
            Mentorship.fit_check_sent_at,
            Mentorship.fit_check_due_at,
        ).where(Mentorship.state == MentorshipState.ACTIVE, Mentorship.started_at.is_not(None))
    ).all()
    due = {
        m.id: r
        for m in active
        if (r := checkin_round(m.started_at, now, days, m.fit_check_sent_at or m.fit_check_due_at)) >= 1
    }
    if not due:
        return 0
    made = set(
        db.session.execute(
            sa.select(Checkin.mentorship_id, Checkin.round).where(
                Checkin.mentorship_id.in_(list(due)), Checkin.round >= min(due.values())
            )
        ).all()
    )
    asked = 0
    for mentorship_id, round_ in sorted(due.items()):
        if (mentorship_id, round_) not in made:
            asked += _send_round(mentorship_id, round_, now)
    return asked


def _send_round(mentorship_id: int, round_: int, now: datetime) -> int:
    """Make one round's check-ins for both sides and record their mails; commit."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    asked = 0
    for person, side in ((mentorship.new_hire, Side.NEW_HIRE), (mentorship.mentor, Side.MENTOR)):
        checkin_id = insert_unless_exists(
            Checkin.__table__,
            dict(
                mentorship_id=mentorship.id,
                user_id=person.id,
                side=side.value,
                round=round_,
                team_id=mentorship.new_hire.team_id,
                sent_at=now,
                change="",
                via="",
            ),
            ["mentorship_id", "round", "user_id"],
        )
        if checkin_id is None:  # another run made it meanwhile
            continue
        asked += 1
        if person.active and not opted_out(person.id, TOPIC):  # they can still answer on the web
            notices.checkin(db.session.get(Checkin, checkin_id), mentorship, person)
    db.session.commit()
    return asked


def side_of(mentorship: Mentorship, user_id: int) -> Side:
    return Side.MENTOR if user_id == mentorship.mentor_id else Side.NEW_HIRE


def own_checkin(checkin_id: int, user_id: int) -> Checkin:
    """The person's own check-in; NotFound for anyone else's, as if there were none."""
    checkin = db.session.get(Checkin, checkin_id)
    if checkin is None or checkin.user_id != user_id:
        raise NotFound("There is no such check-in.")
    return checkin


def open_checkins(user_id: int) -> list[Checkin]:
    """The person's latest check-in of each of their active mentorships (answered or not),
    newest first: the ones they can still answer or change."""
    rows = (
        db.session.scalars(
            sa.select(Checkin)
            .join(Mentorship, Mentorship.id == Checkin.mentorship_id)
            .where(Checkin.user_id == user_id, Mentorship.state == MentorshipState.ACTIVE)
            .options(
                orm.joinedload(Checkin.mentorship).joinedload(Mentorship.mentor),
                orm.joinedload(Checkin.mentorship).joinedload(Mentorship.new_hire),
            )
            .order_by(Checkin.mentorship_id, Checkin.round.desc())
        )
        .unique()
        .all()
    )
    latest: dict[int, Checkin] = {}
    for checkin in rows:
        latest.setdefault(checkin.mentorship_id, checkin)
    return sorted(latest.values(), key=lambda c: (c.sent_at, c.id), reverse=True)


def check_answer(score, change) -> tuple[int, str]:
    """The score and the text to save, or InvalidInput naming what is wrong."""
    errors = {}
    if type(score) is not int or not 1 <= score <= 5:
        errors["score"] = "Say how useful the mentorship is from 1 (not at all) to 5 (very)."
    text = change.strip() if isinstance(change, str) else ""
    if change is not None and not isinstance(change, str):
        errors["change"] = "Write what you would change as text."
    elif len(text) > CHANGE_MAX:
        errors["change"] = f"Please keep it under {CHANGE_MAX:,} characters (this has {len(text):,})."
    if errors:
        raise InvalidInput(errors)
    return score, text


def answer_checkin(checkin_id: int, user_id: int, score: int, change: str = "", via: str = "web") -> Checkin:
    """Record a person's answer to their check-in; answering again replaces the answer.

    Only the latest check-in of an active mentorship can be answered (Closed otherwise).
    Two low scores in a row from the same side flag the mentorship for the admins.
    """
    if via not in VIA:
        raise ValueError(f"answers come from {', '.join(VIA)}, not {via!r}")
    checkin = own_checkin(checkin_id, user_id)
    score, text = check_answer(score, change)
    mentorship = db.session.get(Mentorship, checkin.mentorship_id)
    if mentorship.state != MentorshipState.ACTIVE:
        raise Closed(f"This mentorship is {mentorship.state.value}, so its check-ins are closed.")
    newer = db.session.scalar(
        sa.select(sa.func.max(Checkin.round)).where(
            Checkin.mentorship_id == checkin.mentorship_id, Checkin.user_id == user_id
        )
    )
    if newer > checkin.round:
        raise Closed("A newer check-in has been sent since; please answer that one.")
    checkin.score, checkin.change, checkin.via, checkin.answered_at = score, text, via, utcnow()
    if checkin.first_answered_at is None:
        checkin.first_score, checkin.first_answered_at = score, checkin.answered_at
    db.session.flush()
    scores = db.session.scalars(
        sa.select(Checkin.score)
        .where(Checkin.mentorship_id == checkin.mentorship_id, Checkin.user_id == user_id, Checkin.score.is_not(None))
        .order_by(Checkin.round)
    ).all()
    if low_in_a_row(scores):
        _raise_flag(mentorship.id, checkin.side)
    db.session.flush()
    return checkin


def _raise_flag(mentorship_id: int, side: Side) -> None:
    """Flag the mentorship for the admins, unless it has a flag open already."""
    times = {2: "two", 3: "three"}.get(LOW_IN_A_ROW, str(LOW_IN_A_ROW))
    reason = f"{side.label.capitalize()} rated it {LOW_SCORE} or less out of 5 in {times} check-ins in a row."
    raised = db.session.scalar(
        dialect_insert(MentorshipFlag.__table__)
        .values(mentorship_id=mentorship_id, side=side.value, reason=reason, raised_at=utcnow())
        .on_conflict_do_nothing(index_elements=["mentorship_id"], index_where=sa.text("cleared_at IS NULL"))
        .returning(MentorshipFlag.__table__.c.id)
    )
    if raised is not None:
        webhook_events.flag_raised(mentorship_id, side.value)


def open_flags() -> list[MentorshipFlag]:
    """The flags no admin has cleared yet, newest first, with the mentorships' people."""
    return list(
        db.session.scalars(
            sa.select(MentorshipFlag)
            .where(MentorshipFlag.cleared_at.is_(None))
            .options(
                orm.joinedload(MentorshipFlag.mentorship).joinedload(Mentorship.mentor),
                orm.joinedload(MentorshipFlag.mentorship).joinedload(Mentorship.new_hire),
            )
            .order_by(MentorshipFlag.raised_at.desc(), MentorshipFlag.id.desc())
        )
    )


def clear_flag(flag_id: int, admin_id: int) -> MentorshipFlag:
    """An admin has looked at the mentorship: the flag closes, and a new one can be raised."""
    flag = db.session.get(MentorshipFlag, flag_id)
    if flag is None:
        raise NotFound("There is no such flag.")
    if flag.cleared_at is None:
        flag.cleared_at, flag.cleared_by_id = utcnow(), admin_id
        db.session.flush()
    return flag
