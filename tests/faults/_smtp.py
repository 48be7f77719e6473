"""The tests' SMTP server with the faults a real relay has, on demand: it refuses every
message with a given reply, drops the connection in the middle of a transaction, is not
there at all for a while, or holds the next DATA command until the client is gone."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.smtp import SMTPServer, free_port


class _HoldingSMTP(SMTP):
    """An SMTP session that can hold the DATA command before answering it."""

    async def smtp_DATA(self, arg: str) -> None:
        server = self.event_handler
        server.data_commands += 1
        if server.data_commands == server.hold_at and self.envelope.rcpt_tos:
            server.holding.set()
            # Until the client's connection is lost: that cancels this coroutine. The message
            # was never sent, so a real relay has nothing to deliver.
            await asyncio.Event().wait()
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self):
        return _HoldingSMTP(self.handler, **self.SMTP_kwargs)


class FaultySMTPServer(SMTPServer):
    """A real SMTP server on loopback, always on the same port, that misbehaves when told."""

    def __init__(self):
        super().__init__()
        self.port = free_port()
        self.transactions = 0  # MAIL FROM commands seen: the times a client tried to send
        self.drop_connections = False
        self.data_commands = 0
        self.hold_at: int | None = None  # the number of the DATA command to hold
        self.holding = threading.Event()  # set once that DATA command is being held

    def start(self, app=None) -> None:
        self.controller = _Controller(self, hostname="127.0.0.1", port=self.port, server_hostname="smtp.test")
        self.controller.start()
        if app is not None:
            app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port)

    def running(self) -> bool:
        return self.controller is not None

    def hold_data(self, after: int = 0) -> None:
        """Hold the DATA command of the next message but `after`: the messages before it go
        through, and the client waits on that one until it is gone."""
        self.holding.clear()
        self.hold_at = self.data_commands + after + 1

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.transactions += 1
        if self.drop_connections:
            server.transport.close()  # gone in the middle of the transaction
            return "421 4.4.2 Connection dropped"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    def received_ids(self) -> Counter:
        """How often each Message-ID arrived."""
        return Counter(str(m["Message-ID"]) for m in self.messages())
