"""The development mailbox: the emails Unstuck kept in its outbox, to read in the browser.

For admins only: the emails carry other people's one-click links, which act as them."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from flask import Blueprint, abort, make_response, render_template, url_for

from app.auth.guards import admin_required
from app.mail.outgoing.transport import MESSAGE_POLICY, outbox_file, outbox_files

mailbox = Blueprint("mailbox", __name__)

SHOWN_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Reply-To",
    "List-Unsubscribe",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
)


def read_message(path) -> EmailMessage:
    """Parse an .eml file from the outbox."""
    return message_from_bytes(path.read_bytes(), _class=EmailMessage, policy=MESSAGE_POLICY)


def body(msg: EmailMessage, subtype: str) -> str | None:
    """Return the text of the message's plain or HTML part, if it has one."""
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


@mailbox.route("/dev/mailbox")
@admin_required
def index():
    """List the emails in the outbox, newest first."""
    messages = []
    for path in outbox_files():
        msg = read_message(path)
        try:
            date = parsedate_to_datetime(msg["Date"]) if msg["Date"] else None
        except (TypeError, ValueError):
            date = None
        messages.append({"name": path.name, "to": msg["To"], "subject": msg["Subject"], "date": date})
    return render_template("mail/mailbox.html", messages=messages)


@mailbox.route("/dev/mailbox/<name>")
@admin_required
def message(name: str):
    """Show one email: its headers, its text, and its HTML in a sandboxed frame."""
    path = outbox_file(name)
    if path is None:
        abort(404)
    msg = read_message(path)
    headers = [(h, msg[h]) for h in SHOWN_HEADERS if msg[h] is not None]
    return render_template(
        "mail/mailbox_message.html",
        html_url=url_for("mailbox.message_html", name=name),
        name=name,
        subject=msg["Subject"],
        headers=headers,
        text=body(msg, "plain"),
        html=body(msg, "html"),
    )


@mailbox.route("/dev/mailbox/<name>/html")
@admin_required
def message_html(name: str):
    """One email's HTML alone, the whole page of it, sandboxed as the frame is: no script runs
    and it reaches nothing of Unstuck's."""
    path = outbox_file(name)
    html = body(read_message(path), "html") if path is not None else None
    if html is None:
        abort(404)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = "sandbox; script-src 'none'"
    return response
