"""Mail going out: record an email in the caller's transaction, send it once from a job.

    send_mail(key, kind, to, subject, template, context) -> OutboundMail

The email is rendered when it is recorded, sent by the `deliver` job after the commit,
retried with back-off if the server refuses it, and never sent twice for one key.
"""

from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.compose import send_mail
from app.mail.outgoing.jobs import MailNotSent, deliver, deliver_batch, requeue_unsent_mail
from app.mail.outgoing.transport import build_message, send_batch, send_message

__all__ = [
    "MailNotSent",
    "MailStatus",
    "OutboundMail",
    "build_message",
    "deliver",
    "deliver_batch",
    "requeue_unsent_mail",
    "send_batch",
    "send_mail",
    "send_message",
]
