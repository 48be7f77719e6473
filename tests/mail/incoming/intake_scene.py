"""What the intake tests share (the log is conftest.py's fixture): the mentor's words, a
worker that dies, received mail read through the job, the notes sent, and the check that a
mail was refused with a reason and logged."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.mail.incoming.intake import read_incoming_mail, receive
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail

WORDS = "Run the migration with batch mode on."


class WorkerDied(BaseException):
    """The worker process ends here, as if killed: nothing after it runs."""


def read(raw: bytes, mail_from: str = "grace@example.com", rcpt_to=()) -> IncomingMail:
    """Receive the mail and run its job here; return its row as it ends."""
    row = receive(raw, "smtp", mail_from, list(rcpt_to))
    read_incoming_mail(row.id)
    return fresh(row.id)


def fresh(incoming_id: int) -> IncomingMail:
    db.session.expire_all()
    return db.session.get(IncomingMail, incoming_id)


def notes() -> list[OutboundMail]:
    return db.session.scalars(sa.select(OutboundMail).order_by(OutboundMail.id)).all()


def key_of(address: str) -> str:
    return address.split("+")[1].split("@")[0]


def assert_refused(row: IncomingMail, reason: str, log, address: str | None = None) -> None:
    assert row.status == IncomingStatus.REFUSED
    assert row.reason == reason
    assert row.processed_at is not None
    [line] = [r.getMessage() for r in log.records if r.getMessage().startswith("mail refused")]
    assert f"reason={reason}" in line
    assert f"message_id={row.message_id}" in line
    if address:
        key = key_of(address)
        assert f"key={key[:6]}..." in line
        assert key not in log.text  # never the whole key
