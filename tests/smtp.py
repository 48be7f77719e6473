"""A real SMTP server (aiosmtpd) on loopback for the tests: it keeps what Unstuck sends,
or refuses it on demand."""

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    """A real SMTP server on loopback that keeps what it receives, or refuses it."""

    def __init__(self):
        self.received = []  # aiosmtpd envelopes, in the order they arrived
        self.refuse_data: str | None = None
        self.refuse_rcpt: set[str] = set()
        self.controller: Controller | None = None

    def start(self, app) -> None:
        port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=port, server_hostname="smtp.test")
        self.controller.start()
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        envelope.peer = session.peer
        self.received.append(envelope)
        return "250 Message accepted"

    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.received]
