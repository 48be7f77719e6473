"""Email, in and out: the kernel's mail for every feature.

- `app.mail.outgoing`: mail going out, recorded in the caller's transaction and sent once
  from a job (send_mail, the outbox, unsubscribing, pauses for addresses that bounce).
- `app.mail.incoming`: mail coming in, kept as it arrives and read by a job; its pure
  parsing (no Flask, no database) is `app.mail.incoming.parse`.
- Here, what both use: the models, reply addresses and return paths, a person's mail data,
  the admins' page of mail problems, and `register_mail`, which wires it all into the app.
"""

from flask import Blueprint, Flask

# The shared email layout lives in this blueprint's templates; its pages are the
# unsubscribe page, the endpoint for received mail and the admins' page of mail problems.
bp = Blueprint("mail", __name__, template_folder="templates")

from app.jobs import every  # noqa: E402
from app.mail import admin_views  # noqa: E402,F401  (its routes)
from app.mail.incoming import views as incoming_views  # noqa: E402,F401  (its routes)
from app.mail.incoming.cli import mail_cli  # noqa: E402
from app.mail.incoming.intake import drop_old_raw_mail, requeue_unread_mail  # noqa: E402
from app.mail.outgoing import requeue_unsent_mail, unsubscribe_views  # noqa: E402,F401  (the views: routes)
from app.mail.outgoing.mailbox import mailbox  # noqa: E402
from app.mail.outgoing.markdown import mail_markdown  # noqa: E402
from app.mail.personal_data import register as register_personal_data  # noqa: E402

__all__ = ["bp", "register_mail"]


def register_mail(app: Flask) -> None:
    """Give the app the email templates and their Markdown filter, the unsubscribe page, the endpoint for received
    mail, the admins' page of mail problems, the sweeps for unsent and unread mail, the
    clean-up of old raw mail, the `flask mail` commands and, in development only, the
    mailbox page."""
    app.register_blueprint(bp)
    app.add_template_filter(mail_markdown, "mail_markdown")  # what people wrote, in a mail's HTML
    every(app, 60, requeue_unsent_mail)
    every(app, 300, requeue_unread_mail)
    every(app, 3600, drop_old_raw_mail)
    app.cli.add_command(mail_cli)
    register_personal_data(app)
    if app.config["ENV_NAME"] == "development":
        app.register_blueprint(mailbox)
        app.jinja_env.globals["dev_mailbox"] = True  # the navigation links it for admins
