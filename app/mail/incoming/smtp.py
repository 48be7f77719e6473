"""The built-in SMTP receiver: mail to Unstuck's own addresses is kept, then read by a job.

    controller = start_receiver(app, "127.0.0.1", 8025)  # aiosmtpd, in a thread of its own
    ...
    controller.stop()

It answers 250 only once the email is committed, so a sender never loses a mail that was
accepted, and 451 when it could not be kept, so the sender tries again later.

Anyone on the internet can reach it, so it takes little:
- recipients only at reply addresses (live or not: the job answers a person of ours who
  wrote to a dead one; from the empty sender of bounces, live ones only) and live return
  paths (app.mail.addresses); anything else, at our domain or not, is refused at RCPT with
  550 (it is no relay), and
  at most MAX_RECIPIENTS a message (452 for more);
- messages up to MAX_CONTENT_LENGTH (552 for more);
- at MAIL FROM, each message counts against its connecting address (RATELIMIT_SMTP_ADDRESS)
  and its sender (RATELIMIT_SMTP_SENDER; the empty sender of bounces is counted by address
  only), and each refused recipient against the connecting address too; past a limit the
  answer is 451 4.7.1, and a real mail server tries again later.
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from flask import Flask

from app.extensions import db
from app.mail.addresses import takes_mail_for
from app.mail.incoming.intake import MAX_RECIPIENTS, receive
from app.mail.incoming.smtp_limits import ReceiverLimits

log = logging.getLogger(__name__)

BY_ADDRESS, BY_SENDER = "RATELIMIT_SMTP_ADDRESS", "RATELIMIT_SMTP_SENDER"
NO_MAILBOX = "550 5.1.1 No such mailbox here"


class ReplyReceiver:
    """An aiosmtpd handler that keeps mail for our live addresses with `receive`."""

    def __init__(self, app: Flask):
        self.app = app
        self.domain = app.config["MAIL_DOMAIN"].lower()
        self.max_size = app.config["MAX_CONTENT_LENGTH"]
        self.limits = ReceiverLimits(app)

    def is_ours(self, address: str) -> bool:
        local, at, domain = address.strip().strip("<>").rpartition("@")
        return bool(at and local) and domain.lower() == self.domain

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        peer = _peer(session)
        if not await _in_thread(self.limits.take, BY_ADDRESS, peer):
            log.warning("mail refused for now: too much from address %s", peer)
            return "451 4.7.1 Too much mail from your address; please try again later"
        if address and not await _in_thread(self.limits.take, BY_SENDER, address):
            log.warning("mail refused for now: too much from sender %s (address %s)", address, peer)
            return "451 4.7.1 Too much mail from this sender; please try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.is_ours(address):
            return NO_MAILBOX
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        try:
            live = await _in_thread(self.is_live, address, envelope.mail_from in (None, "", "<>"))
        except Exception:
            log.exception("could not check the recipient %s", address)
            return "451 4.3.0 Could not check the recipient; please try again later"
        if not live:
            await _in_thread(self.limits.take, BY_ADDRESS, _peer(session))
            return NO_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def is_live(self, address: str, automatic: bool) -> bool:
        """Whether we take mail for the address (app.mail.addresses.takes_mail_for), in an
        app context of this thread's own."""
        with self.app.app_context():
            try:
                return takes_mail_for(address, automatic)
            finally:
                db.session.remove()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if self.max_size and len(raw) > self.max_size:
            return "552 5.3.4 Message too big"
        try:
            await _in_thread(self.keep, raw, envelope.mail_from, list(envelope.rcpt_tos))
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


async def _in_thread(func, *args):
    """Run blocking work (the database, Redis) off the receiver's event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


def _peer(session) -> str:
    """The connecting address of an SMTP session."""
    peer = session.peer
    return str(peer[0]) if isinstance(peer, (tuple, list)) and peer else str(peer or "unknown")


def start_receiver(app: Flask, host: str, port: int) -> Controller:
    """Start the SMTP receiver on host:port in a thread; return its controller (stop() ends it)."""
    controller = Controller(
        ReplyReceiver(app),
        hostname=host,
        port=port,
        server_hostname=app.config["MAIL_DOMAIN"],
        ident="Unstuck",
        data_size_limit=app.config["MAX_CONTENT_LENGTH"],
        enable_SMTPUTF8=True,
    )
    controller.start()
    return controller
