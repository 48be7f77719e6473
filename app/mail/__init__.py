"""Outbound email: record an email in the caller's transaction, send it once from a job.

    send_mail(key, kind, to, subject, template, context) -> OutboundMail

The email is rendered when it is recorded, sent by the `deliver` job after the commit,
retried with back-off if the server refuses it, and never sent twice for one key.
"""

from flask import Blueprint, Flask

# The shared email layout lives in this blueprint's templates; it has no pages.
bp = Blueprint("mail", __name__, template_folder="templates")

from app.mail.compose import send_mail  # noqa: E402
from app.mail.jobs import MailNotSent, deliver, deliver_batch, requeue_unsent_mail  # noqa: E402
from app.mail.models import MailStatus, OutboundMail  # noqa: E402
from app.mail.transport import build_message, send_batch, send_message  # noqa: E402

__all__ = [
    "MailNotSent", "MailStatus", "OutboundMail", "build_message", "deliver", "deliver_batch",
    "register_mail", "requeue_unsent_mail", "send_batch", "send_mail", "send_message",
]


def register_mail(app: Flask) -> None:
    """Give the app the email templates and their Markdown filter, the unsubscribe page, the endpoint for received
    mail, the admins' page of mail problems, the sweeps for unsent and unread mail, the
    clean-up of old raw mail, the `flask mail` commands and, in development only, the
    mailbox page."""
    from app.jobs import every
    from app.mail import admin_views, inbound_views, unsubscribe_views  # noqa: F401  (their routes)
    from app.mail.cli import mail_cli
    from app.mail.markdown import mail_markdown
    from app.mail.personal_data import register as register_personal_data
    from app.mail.receive import drop_old_raw_mail, requeue_unread_mail

    app.register_blueprint(bp)
    app.add_template_filter(mail_markdown, "mail_markdown")  # what people wrote, in a mail's HTML
    every(app, 60, requeue_unsent_mail)
    every(app, 300, requeue_unread_mail)
    every(app, 3600, drop_old_raw_mail)
    app.cli.add_command(mail_cli)
    register_personal_data(app)
    if app.config["ENV_NAME"] == "development":
        from app.mail.views import mailbox

        app.register_blueprint(mailbox)
