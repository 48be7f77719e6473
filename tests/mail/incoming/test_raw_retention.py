"""Received mail is kept raw for MAIL_RAW_KEEP_DAYS once it is read: a job that `flask cron`
runs drops the raw bytes of older mail, and keeps the record of what became of it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue
from app.mail.incoming.intake import drop_old_raw_mail, receive
from app.mail.models import IncomingMail, IncomingStatus
from tests.mail import incoming_messages as mails


def received(raw: bytes, days_ago: float) -> int:
    row = receive(raw, "smtp", "grace@example.com", [])
    db.session.execute(
        sa.update(IncomingMail).where(IncomingMail.id == row.id).values(received_at=utcnow() - timedelta(days=days_ago))
    )
    db.session.commit()
    return row.id


def raw_sizes() -> dict[int, int]:
    db.session.expire_all()
    return {row.id: len(row.raw) for row in db.session.scalars(sa.select(IncomingMail))}


def test_raw_mail_is_dropped_once_it_is_read_and_older_than_the_days_kept(app, replies, mentor, address, jobs):
    days = app.config["MAIL_RAW_KEEP_DAYS"]
    assert days == 30
    old = received(mails.gmail_reply(mentor.email, address), days + 1)
    recent = received(mails.gmail_reply(mentor.email, address), days - 1)
    jobs.run()  # both are read (posted)
    unread = received(mails.gmail_reply(mentor.email, address), days + 2)  # its job not run yet
    jobs.connection.flushdb()

    enqueue(drop_old_raw_mail)
    jobs.run()
    sizes = raw_sizes()
    assert sizes[old] == 0 and sizes[recent] > 0 and sizes[unread] > 0
    row = db.session.get(IncomingMail, old)
    assert (row.status, row.message_id) == (IncomingStatus.POSTED, row.message_id)  # the record stays
    assert row.subject == f"Re: {mails.ORIGINAL_SUBJECT}"

    assert drop_old_raw_mail() == 0  # a second run finds nothing more to drop
    app.config["MAIL_RAW_KEEP_DAYS"] = 0
    assert drop_old_raw_mail() == 1  # 0 keeps raw mail only until it is read
    assert raw_sizes()[unread] > 0


def test_flask_cron_runs_the_clean_up(app):
    assert drop_old_raw_mail in [p.func for p in app.extensions["jobs"].periodic]
