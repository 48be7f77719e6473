"""The life of a mentorship: proposed, accepted or declined, active, ended or completed.

Services take ids and plain values, check who may act, and enqueue their mails and
follow-up jobs after the commit; the request or job that calls them commits
(app/unit_of_work.py). The upkeep that runs in the mentorship job (proposing, expiring,
reminding, asking about the fit) commits each mentorship on its own, so one that fails
or loses a race leaves the others done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.database import insert_unless_exists
from app.errors import Conflict, Refused
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.people.models import User
from app.webhooks import events as webhook_events
from matching import chat_cards, notices
from matching.assignment import best_mentor, unmatched_reason
from matching.directory import (
    blocked_pairs,
    current_settings,
    mentors,
    new_hires,
    rules_of,
    weights_of,
)
from matching.models import LIVE_STATES, FitAnswer, Mentorship, MentorshipState, WaitingForMentor
from matching.scoring import build_table, explain

END_REASON_LIMIT = 500
NO_SKILLS = "no skills to learn on the profile yet"


class MatchingError(Conflict):
    """Something a person asked for that cannot happen now; the message says why."""


class NoFreeSlot(MatchingError):
    """The mentor has no free mentee slot left."""


class NotYours(Refused, MatchingError):
    """The person is not the one who may do this (403)."""


def _locked_mentorship(mentorship_id: int) -> Mentorship:
    # The row may sit in the session from before the lock (a page loaded it to check
    # access); read it again, or a decision made meanwhile would go unseen.
    mentorship = db.session.scalar(
        sa.select(Mentorship)
        .where(Mentorship.id == mentorship_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if mentorship is None:
        raise LookupError("There is no such mentorship.")
    return mentorship


def propose_mentor(new_hire_id: int, source: str = "join") -> Mentorship | None:
    """Propose the best available mentor to a new hire who has no live mentorship.

    Does nothing if the new hire already has one (so running it twice proposes once).
    When nobody fits, records why, for the new hire and the admins to see.

    Runs only in jobs, and commits itself: a proposal made meanwhile by another run shows
    only at the commit (one live proposal per new hire), and is then rolled back alone.
    """
    hire_user = db.session.get(User, new_hire_id)
    if hire_user is None or not hire_user.active:
        return None
    live = db.session.scalar(
        sa.select(Mentorship.id).where(Mentorship.new_hire_id == new_hire_id, Mentorship.state.in_(LIVE_STATES))
    )
    if live is not None:
        return None
    settings = current_settings()
    today = utcnow().date()
    weights, rules = weights_of(settings), rules_of(settings, today)
    hires = new_hires([new_hire_id])
    pool = mentors(teaching=hires[0].wants) if hires[0].wants else []
    table = build_table(hires, pool, weights, rules, blocked_pairs([new_hire_id]))
    j = best_mentor(table)
    if j is None:
        # Worded to read well both to the new hire ("still looking: ...") and to admins.
        reason = unmatched_reason(table, 0, rules.min_overlap_hours) if hires[0].wants else NO_SKILLS
        waiting = db.session.get(WaitingForMentor, new_hire_id) or WaitingForMentor(new_hire_id=new_hire_id)
        waiting.reason, waiting.checked_at = reason, utcnow()
        db.session.add(waiting)
        db.session.commit()
        return None
    fit = explain(table, 0, j, weights, rules)
    try:
        mentorship = create_proposal(
            new_hire_id, fit.mentor_id, fit.score, fit.reason_rows(), source, settings.proposal_days
        )
        db.session.commit()
    except IntegrityError:
        # Another run proposed to this new hire meanwhile: one live proposal is the rule.
        db.session.rollback()
        return None
    return mentorship


def create_proposal(
    new_hire_id: int, mentor_id: int, score: float, reasons: list[dict], source: str, proposal_days: int
) -> Mentorship:
    """Add a proposal to the session and queue its email (the caller commits)."""
    now = utcnow()
    mentorship = Mentorship(
        new_hire_id=new_hire_id,
        mentor_id=mentor_id,
        state=MentorshipState.PROPOSED,
        source=source,
        score=score,
        reasons=reasons,
        proposed_at=now,
        expires_at=now + timedelta(days=proposal_days),
    )
    db.session.add(mentorship)
    waiting = db.session.get(WaitingForMentor, new_hire_id)
    if waiting is not None:
        db.session.delete(waiting)
    db.session.flush()
    notices.proposal(mentorship)
    webhook_events.mentorship("mentorship.proposed", mentorship)
    return mentorship


def accept(mentorship_id: int, mentor_id: int) -> Mentorship:
    """The mentor accepts a proposal, if a mentee slot is still free.

    The mentor's row is locked for the check, so two accepts racing for the last slot
    cannot both succeed.
    """
    mentorship = _locked_mentorship(mentorship_id)
    if mentorship.mentor_id != mentor_id:
        raise NotYours("Only the proposed mentor can accept this.")
    if mentorship.state != MentorshipState.PROPOSED:
        raise MatchingError(f"This proposal is already {mentorship.state.value}.")
    mentor = db.session.scalar(
        sa.select(User).where(User.id == mentor_id).with_for_update().execution_options(populate_existing=True)
    )
    active = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Mentorship)
        .where(Mentorship.mentor_id == mentor_id, Mentorship.state == MentorshipState.ACTIVE)
    )
    if active >= mentor.max_mentees and not mentorship.overrode("full"):  # an admin chose them anyway
        raise NoFreeSlot(
            f"You already mentor {active} of at most {mentor.max_mentees} people. "
            "Raise your limit on your profile or decline."
        )
    settings = current_settings()
    now = utcnow()
    mentorship.state = MentorshipState.ACTIVE
    mentorship.decided_at = mentorship.started_at = now
    mentorship.ends_at = now + timedelta(days=settings.programme_days)
    mentorship.fit_check_due_at = now + timedelta(days=settings.fit_check_days)
    notices.accepted(mentorship)
    chat_cards.revise_proposal(mentorship)
    webhook_events.mentorship("mentorship.accepted", mentorship)
    db.session.flush()
    return mentorship


def decline(mentorship_id: int, mentor_id: int, note: str = "") -> Mentorship:
    """The mentor declines; the new hire is proposed to the next best mentor."""
    mentorship = _locked_mentorship(mentorship_id)
    if mentorship.mentor_id != mentor_id:
        raise NotYours("Only the proposed mentor can decline this.")
    if mentorship.state != MentorshipState.PROPOSED:
        raise MatchingError(f"This proposal is already {mentorship.state.value}.")
    mentorship.state = MentorshipState.DECLINED
    mentorship.decided_at = utcnow()
    mentorship.end_reason = note.strip()[:END_REASON_LIMIT]
    chat_cards.revise_proposal(mentorship)
    webhook_events.mentorship("mentorship.declined", mentorship)
    _propose_next(mentorship.new_hire_id, "rematch")
    db.session.flush()
    return mentorship


def end(mentorship_id: int, user_id: int, reason: str, worked_out: bool = True) -> Mentorship:
    """Either side ends an active mentorship, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise MatchingError("Please say in a few words why the mentorship ends.")
    if len(reason) > END_REASON_LIMIT:
        raise MatchingError(f"Please keep the reason under {END_REASON_LIMIT} characters.")
    mentorship = _close(mentorship_id, user_id, reason, worked_out)
    db.session.flush()
    return mentorship


def _close(mentorship_id: int, user_id: int, reason: str, worked_out: bool) -> Mentorship:
    mentorship = _locked_mentorship(mentorship_id)
    if not mentorship.involves(user_id):
        raise NotYours("Only the mentor or the new hire can end this mentorship.")
    if mentorship.state != MentorshipState.ACTIVE:
        raise MatchingError(f"This mentorship is {mentorship.state.value}, not active.")
    mentorship.state = MentorshipState.ENDED
    mentorship.ended_at = utcnow()
    mentorship.ended_by_id = user_id
    mentorship.end_reason = reason
    mentorship.ended_badly = not worked_out
    notices.ended(mentorship)
    chat_cards.revise_proposal(mentorship)
    webhook_events.mentorship("mentorship.ended", mentorship)
    return mentorship


def propose_mentor_job(new_hire_id: int, source: str = "join") -> int | None:
    """The job that proposes a mentor to a new hire with none; returns the mentorship's id,
    if one was made."""
    mentorship = propose_mentor(new_hire_id, source)
    return mentorship.id if mentorship else None


def _propose_next(new_hire_id: int, source: str) -> None:
    enqueue_after_commit(propose_mentor_job, new_hire_id, source)


def retry_waiting() -> int:
    """Look again for a mentor for each new hire still waiting (skills added, a slot freed,
    a mentor joined); return how many were proposed one."""
    waiting = list(db.session.scalars(sa.select(WaitingForMentor.new_hire_id).order_by(WaitingForMentor.checked_at)))
    return sum(1 for new_hire_id in waiting if propose_mentor(new_hire_id) is not None)


def expire_proposals(now: datetime | None = None) -> int:
    """Expire unanswered proposals past their deadline and move each new hire on (in the
    upkeep job, one transaction per proposal)."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            sa.select(Mentorship.id).where(Mentorship.state == MentorshipState.PROPOSED, Mentorship.expires_at <= now)
        )
    )
    expired = 0
    for mentorship_id in due:
        # Conditional: an accept that got there first wins, and nothing happens here.
        result = db.session.execute(
            sa.update(Mentorship)
            .where(Mentorship.id == mentorship_id, Mentorship.state == MentorshipState.PROPOSED)
            .values(state=MentorshipState.EXPIRED, decided_at=now)
        )
        if result.rowcount:
            mentorship = db.session.get(Mentorship, mentorship_id, populate_existing=True)
            # Declined by silence: the payload's state says "expired".
            webhook_events.mentorship("mentorship.declined", mentorship)
            chat_cards.revise_proposal(mentorship)
            _propose_next(mentorship.new_hire_id, "rematch")
            expired += 1
        db.session.commit()
    return expired


def remind_mentors(now: datetime | None = None) -> int:
    """Send one reminder for each proposal past half its time and still unanswered (in the
    upkeep job, one transaction per proposal)."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(Mentorship).where(
            Mentorship.state == MentorshipState.PROPOSED, Mentorship.reminded_at.is_(None), Mentorship.expires_at > now
        )
    )
    sent = 0
    for mentorship in list(candidates):
        halfway = mentorship.proposed_at + (mentorship.expires_at - mentorship.proposed_at) / 2
        if halfway > now:
            continue
        sent += _send_once(mentorship, Mentorship.reminded_at, now, notices.reminder)
    return sent


def complete_finished(now: datetime | None = None) -> int:
    """Mark active mentorships whose programme has run its length as completed."""
    now = now or utcnow()
    finished = db.session.scalars(
        sa.update(Mentorship)
        .where(Mentorship.state == MentorshipState.ACTIVE, Mentorship.ends_at <= now)
        .values(state=MentorshipState.COMPLETED, ended_at=now)
        .returning(Mentorship.id)
    ).all()
    db.session.flush()
    completed = sa.select(Mentorship).where(Mentorship.id.in_(finished)).execution_options(populate_existing=True)
    for mentorship in db.session.scalars(completed):
        webhook_events.mentorship("mentorship.ended", mentorship)  # its state says "completed"
        chat_cards.revise_proposal(mentorship)
    return len(finished)


def send_fit_checks(now: datetime | None = None) -> int:
    """Ask both sides "is this a good fit?" once the first weeks of a mentorship have passed
    (in the upkeep job, one transaction per mentorship)."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            sa.select(Mentorship).where(
                Mentorship.state == MentorshipState.ACTIVE,
                Mentorship.fit_check_sent_at.is_(None),
                Mentorship.fit_check_due_at <= now,
            )
        )
    )
    sent = 0
    for mentorship in due:
        sent += _send_once(mentorship, Mentorship.fit_check_sent_at, now, notices.fit_check)
    return sent


def _send_once(mentorship: Mentorship, sent_at, now: datetime, send: Callable[[Mentorship], object]) -> bool:
    """Stamp `sent_at` with `now` and send the notice, unless another worker stamped it first;
    commit either way (one transaction per mentorship). Return whether it was sent."""
    result = db.session.execute(
        sa.update(Mentorship).where(Mentorship.id == mentorship.id, sent_at.is_(None)).values({sent_at: now})
    )
    if result.rowcount:
        send(mentorship)
    db.session.commit()
    return bool(result.rowcount)


def answer_fit_check(mentorship_id: int, user_id: int, good_fit: bool) -> FitAnswer:
    """Record one side's answer to "is this a good fit?" (a second answer replaces the first)."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None:
        raise LookupError("There is no such mentorship.")
    if not mentorship.involves(user_id):
        raise NotYours("Only the mentor or the new hire can answer this.")
    if mentorship.state != MentorshipState.ACTIVE:
        raise MatchingError(f"This mentorship is {mentorship.state.value}, not active.")
    now = utcnow()
    answer = _fit_answer(mentorship_id, user_id)
    if answer is None:
        # Two answers at once (two tabs, a double click) make one row: the second finds it.
        insert_unless_exists(
            FitAnswer.__table__,
            dict(mentorship_id=mentorship_id, user_id=user_id, good_fit=good_fit, answered_at=now),
            ["mentorship_id", "user_id"],
        )
        answer = _fit_answer(mentorship_id, user_id)
    answer.good_fit, answer.answered_at = good_fit, now
    db.session.flush()
    return answer


def _fit_answer(mentorship_id: int, user_id: int) -> FitAnswer | None:
    return db.session.scalar(
        sa.select(FitAnswer)
        .where(FitAnswer.mentorship_id == mentorship_id, FitAnswer.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def rematch(mentorship_id: int, user_id: int) -> Mentorship:
    """End a mentorship that is not a good fit and propose the next best mentor (never this one)."""
    mentorship = _close(mentorship_id, user_id, "Not a good fit: a new match was asked for.", worked_out=False)
    _propose_next(mentorship.new_hire_id, "rematch")
    db.session.flush()
    return mentorship
