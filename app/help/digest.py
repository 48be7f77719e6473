"""Digests: one email now and then that tells a mentor of the questions that can wait.

Each mentor chooses how often (app.help.digest_settings; hourly for those who never chose). Every
few minutes `send_due_digests` finds the mentors with news whose digest is due and hands
them to jobs, a batch each, so that every worker takes part. Each mentor gets one email
listing the questions they were not told of yet, and those the asker has added to since;
each question in it carries its own reply address (replying to it answers the question),
the thread link and one-click "I'll take it" and "Pass" links. The digest has a reply
address of its own too: app.help.digest_replies says what a reply to it does.

A batch of mentors is one transaction: the emails are recorded, the questions marked as
told and the settings' last digest moved on together, then one job delivers the batch over
one connection. The email's key names the mentor and the scheduled moment, so two runs at
once record one digest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload

from app.extensions import db, utcnow
from app.help import CAN_WAIT_TOPIC, digest_replies, digest_schedule
from app.help.digest_items import digest_card, item_of, subject_of
from app.help.digest_settings import DEFAULT_FREQUENCY, DEFAULT_MINUTE, TOPIC, ensure_settings
from app.help.models import (
    Attempt,
    AttemptState,
    DigestFrequency,
    DigestSetting,
    Post,
    Question,
    QuestionState,
    Urgency,
    question_skills,
)
from app.jobs import enqueue, enqueue_after_commit
from app.mail.models import MailOptOut
from app.mail.outgoing.compose import Draft, send_mails
from app.mail.outgoing.jobs import RETRY, deliver_batch
from app.mail.outgoing.unsubscribe import opted_out_of
from app.notices.channels import chosen_by, send_on, where
from app.notices.core import EMAIL, Notice
from app.people.models import Skill, User
from app.urls import external_url

# Mentors per transaction, and emails per delivery job (one SMTP connection each).
BATCH = 200

# A waiting attempt on an open question that can wait: what a digest tells of.
PENDING = (
    Attempt.state == AttemptState.WAITING,
    Question.state == QuestionState.OPEN,
    Question.urgency == Urgency.CAN_WAIT,
)


# Who is due


def _told_at():
    """When the mentor last heard of the attempt's question: by mail, or by taking it on the web."""
    return sa.func.coalesce(Attempt.notified_at, Attempt.taken_at)


def _news_at():
    """When there was news for the mentor on an attempt: when it was routed if they never
    heard of it, else the asker's first follow-up since they did (or nothing)."""
    followed_up = (
        sa.select(sa.func.min(Post.created_at))
        .where(
            Post.question_id == Attempt.question_id, Post.author_id == Question.asker_id, Post.created_at > _told_at()
        )
        .scalar_subquery()
    )
    return sa.case((_told_at().is_(None), Attempt.created_at), else_=followed_up)


def _untold_at():
    return sa.case((_told_at().is_(None), Attempt.created_at))


def _told(attempt: Attempt) -> bool:
    return attempt.notified_at is not None or attempt.taken_at is not None


def _due_slot(
    frequency,
    minute_of_day: int,
    weekday: int,
    timezone: str,
    last_sent_at,
    news_since: datetime | None,
    untold_since: datetime | None,
    now: datetime,
) -> datetime | None:
    """The scheduled moment of the digest due now, or None if none is.

    Mentors who chose every question at once were mailed each one when it came; a question
    they were never told of (it came before they chose so) goes out now.
    """
    if frequency == DigestFrequency.AT_ONCE:
        return untold_since
    if news_since is None:
        return None
    slot = digest_schedule.next_digest_at(frequency, minute_of_day, weekday, timezone, last_sent_at, now, news_since)
    return slot if slot <= now else None


def due_mentors(now: datetime) -> list[int]:
    """The mentors who have news on a question that can wait and whose digest is due now.

    One query: per mentor, their setting, time zone and the oldest news; the schedule is
    then worked out for each. Unsubscribed and deactivated people get no digest.
    """
    news, untold = _news_at(), _untold_at()
    per_mentor = (
        Attempt.mentor_id,
        User.timezone,
        DigestSetting.frequency,
        DigestSetting.minute_of_day,
        DigestSetting.weekday,
        DigestSetting.last_sent_at,
    )
    rows = db.session.execute(
        sa.select(*per_mentor, sa.func.min(news), sa.func.min(untold))
        .join(Question, Question.id == Attempt.question_id)
        .join(User, User.id == Attempt.mentor_id)
        .outerjoin(DigestSetting, DigestSetting.user_id == Attempt.mentor_id)
        .where(
            *PENDING,
            news.is_not(None),
            User.active.is_(True),
            Attempt.mentor_id.not_in(sa.select(MailOptOut.user_id).where(MailOptOut.topic == TOPIC)),
        )
        .group_by(*per_mentor)
        .order_by(Attempt.mentor_id)
    )
    due = []
    for mentor_id, timezone, frequency, minute, weekday, last_sent_at, news_since, untold_since in rows:
        if frequency is None:  # never chose: the default
            frequency, minute, weekday = DEFAULT_FREQUENCY, DEFAULT_MINUTE, 0
        if _due_slot(frequency, minute, weekday, timezone, last_sent_at, news_since, untold_since, now):
            due.append(mentor_id)
    return due


# Sending


def send_due_digests() -> int:
    """Every few minutes: share out the mentors whose digest is due, a batch per job, so
    that every worker takes part; return how many mentors are due."""
    due = due_mentors(utcnow())
    for start in range(0, len(due), BATCH):
        enqueue(send_digest_batch, due[start : start + BATCH])
    return len(due)


def send_digest_batch(user_ids: list[int]) -> int:
    """A job: send a batch of mentors the digests due now (see send_digests)."""
    return send_digests(user_ids, utcnow())


def send_digests(user_ids: list[int], now: datetime) -> int:
    """Record and send a digest to each of these mentors that has one due; return how many.

    Mentors without news, or whose digest is not due (any more), are left alone, so a job
    that runs twice sends once. Each batch of mentors commits on its own, and its emails
    go out in one delivery job.
    """
    ids = sorted(set(user_ids))
    sent = 0
    for start in range(0, len(ids), BATCH):
        sent += _send_batch(ids[start : start + BATCH], now)
    return sent


def _send_batch(user_ids: list[int], now: datetime) -> int:
    """Record the due digests of a batch of mentors, mark what they were told, commit, and
    have one job deliver the emails; return how many were recorded."""
    # The mentors' own skills and roles are not needed here: not loaded.
    users = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User)
            .where(User.id.in_(user_ids), User.active.is_(True))
            .options(lazyload(User.role_rows), lazyload(User.skills))
        )
    }
    ensure_settings(list(users))
    # Locked: a run at the same time waits here, then finds the digest sent.
    settings = {
        s.user_id: s
        for s in db.session.scalars(
            sa.select(DigestSetting)
            .where(DigestSetting.user_id.in_(list(users)))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    unsubscribed = opted_out_of(TOPIC, list(users))
    pending, askers, skills = _pending([user_id for user_id in users if user_id not in unsubscribed])
    due = {}
    for user_id, attempts in pending.items():
        chosen = _digest_of(settings[user_id], users[user_id].timezone, attempts, now)
        if chosen is not None:
            due[user_id] = chosen
    if not due:
        db.session.commit()
        return 0
    addresses = digest_replies.question_reply_addresses(
        [(a.question_id, user_id) for user_id, (_, told) in due.items() for a, _ in told]
    )
    settings_url = external_url("help.mail_settings")
    choices = chosen_by(list(due), CAN_WAIT_TOPIC)
    drafts, digests = [], {}
    for user_id, (slot, told) in due.items():
        user, setting = users[user_id], settings[user_id]
        items = [
            item_of(
                attempt,
                askers[attempt.question_id],
                skills[attempt.question_id],
                updated,
                addresses[attempt.question_id, user_id],
                user,
                now,
            )
            for attempt, updated in told
        ]
        schedule = digest_schedule.describe(setting.frequency, setting.minute_of_day, setting.weekday)
        key = f"digest:{user_id}:{slot:%Y%m%dT%H%M%S.%fZ}"
        if user_id in choices:  # who chose a chat for these gets the digest there as one message
            notice = Notice(key, CAN_WAIT_TOPIC, digest_card(items), about=("user", user_id))
            names = where(user, notice, choices[user_id])
            send_on(user, notice, [name for name in names if name != EMAIL])
            if EMAIL not in names:
                continue
        reply_key, reply_address = digest_replies.new_digest_address()
        digests[key] = (user_id, reply_key, [item.question.id for item in items])
        drafts.append(
            Draft(
                key=key,
                kind="digest",
                to=user,
                subject=subject_of(items),
                template="help/email/digest",
                about=("user", user_id),
                unsubscribe=TOPIC,
                reply_to=reply_address,
                context={"items": items, "settings_url": settings_url, "schedule": schedule},
            )
        )
    recorded = send_mails(drafts)
    digest_replies.keep_digests([(recorded[key][0], *digest) for key, digest in digests.items() if recorded[key][1]])
    mail_ids = [mail_id for mail_id, _ in recorded.values()]
    told_ids = [a.id for _, told in due.values() for a, _ in told]
    db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id.in_(told_ids))
        .values(notified_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(DigestSetting)
        .where(DigestSetting.user_id.in_(list(due)))
        .values(last_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if mail_ids:
        enqueue_after_commit(deliver_batch, mail_ids, queue="mail", retry=RETRY)
    db.session.commit()
    return len(due)


def _pending(
    user_ids: list[int],
) -> tuple[dict[int, list[tuple[Attempt, datetime | None]]], dict[int, str], dict[int, list[str]]]:
    """Each mentor's waiting attempts on questions that can wait, oldest question first, with
    the time of their news (None: nothing new), the askers' names by question, and the
    questions' skills by name: one query, and one plain one for the skills."""
    news = _news_at().label("news_at")
    asker = sa.orm.aliased(User)
    pending: dict[int, list[tuple[Attempt, datetime | None]]] = defaultdict(list)
    askers: dict[int, str] = {}
    for attempt, news_at, asker_name in db.session.execute(
        sa.select(Attempt, news, asker.name)
        .join(Question, Question.id == Attempt.question_id)
        .join(asker, asker.id == Question.asker_id)
        .where(*PENDING, Attempt.mentor_id.in_(user_ids))
        .options(contains_eager(Attempt.question))
        .order_by(Attempt.mentor_id, Question.created_at, Attempt.id)
    ):
        pending[attempt.mentor_id].append((attempt, news_at))
        askers[attempt.question_id] = asker_name
    skills: dict[int, list[str]] = defaultdict(list)
    if askers:
        for question_id, name in db.session.execute(
            sa.select(question_skills.c.question_id, Skill.name)
            .join(Skill, Skill.id == question_skills.c.skill_id)
            .where(question_skills.c.question_id.in_(list(askers)))
            .order_by(question_skills.c.question_id, Skill.name)
        ):
            skills[question_id].append(name)
    return pending, askers, skills


def _digest_of(
    setting: DigestSetting, timezone: str, attempts: list[tuple[Attempt, datetime | None]], now: datetime
) -> tuple[datetime, list[tuple[Attempt, bool]]] | None:
    """The scheduled moment of the mentor's digest due now and the attempts it tells of
    (each with whether it is an update), or None if no digest is due."""
    at_once = setting.frequency == DigestFrequency.AT_ONCE
    news = [(a, news_at) for a, news_at in attempts if news_at is not None and not (at_once and _told(a))]
    if not news:
        return None
    slot = _due_slot(
        setting.frequency,
        setting.minute_of_day,
        setting.weekday,
        timezone,
        setting.last_sent_at,
        min(news_at for _, news_at in news),
        min((a.created_at for a, _ in news if not _told(a)), default=None),
        now,
    )
    return None if slot is None else (slot, [(a, _told(a)) for a, _ in news])
