"""The built-in SMTP receiver: mail to MAIL_DOMAIN is kept, then read by a job.

    controller = start_receiver(app, "127.0.0.1", 8025)  # aiosmtpd, in a thread of its own
    ...
    controller.stop()

It answers 250 only once the email is committed, so a sender never loses a mail that was
accepted, and 451 when it could not be kept, so the sender tries again later. Recipients
outside MAIL_DOMAIN are refused at RCPT: it is no relay.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from flask import Flask

from app.extensions import db
from app.mail.receive import MAX_RECIPIENTS, receive

log = logging.getLogger(__name__)


class ReplyReceiver:
    """An aiosmtpd handler that keeps mail for our domain with `receive`."""

    def __init__(self, app: Flask):
        self.app = app
        self.domain = app.config["MAIL_DOMAIN"].lower()
        self.max_size = app.config["MAX_CONTENT_LENGTH"]

    def is_ours(self, address: str) -> bool:
        local, at, domain = address.strip().strip("<>").rpartition("@")
        return bool(at and local) and domain.lower() == self.domain

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.is_ours(address):
            return "550 5.1.1 No such mailbox here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if self.max_size and len(raw) > self.max_size:
            return "552 5.3.4 Message too big"
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, self.keep, raw, envelope.mail_from, list(envelope.rcpt_tos))
        except Exception:
            log.exception("could not keep received mail from %s", envelope.mail_from)
            return "451 4.3.0 Could not keep the message; please try again later"
        return "250 2.0.0 Message accepted"

    def keep(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> None:
        """Keep the mail, in an application context of this thread's own."""
        with self.app.app_context():
            try:
                # "<>" records an empty envelope sender, which only automatic mail uses.
                receive(raw, "smtp", mail_from or "<>", rcpt_tos)
            finally:
                db.session.remove()


def start_receiver(app: Flask, host: str, port: int) -> Controller:
    """Start the SMTP receiver on host:port in a thread; return its controller (stop() ends it)."""
    controller = Controller(
        ReplyReceiver(app), hostname=host, port=port, server_hostname=app.config["MAIL_DOMAIN"],
        ident="Unstuck", data_size_limit=app.config["MAX_CONTENT_LENGTH"], enable_SMTPUTF8=True,
    )
    controller.start()
    return controller
