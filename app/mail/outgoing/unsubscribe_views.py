"""The one-click unsubscribe page: a GET asks, a POST unsubscribes.

Mail providers send the RFC 8058 one-click POST themselves, without our form's CSRF token;
the signed token in the URL is what authorizes it, so the POST is exempt from CSRF.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template

from app.extensions import csrf
from app.links import LinkKind, open_link
from app.mail import bp
from app.mail.outgoing.unsubscribe import Topic, opt_out, read_unsubscribe_token, topic
from app.tokens import LinkToken


@dataclass(frozen=True)
class _Unsubscribing:
    topic: Topic
    user_id: int


def _read(token: str, topic_name: str) -> LinkToken:
    try:
        return read_unsubscribe_token(token, topic_name)
    except KeyError:
        abort(404)


def _load(link: LinkToken, topic_name: str) -> _Unsubscribing:
    return _Unsubscribing(topic(topic_name), link.user_id)


def _ask(unsubscribing: _Unsubscribing, form: None, status: int):
    return render_template(
        "links/confirm.html",
        title=f"Unsubscribe from {unsubscribing.topic.title}?",
        message=unsubscribing.topic.still_sent,
        button="Unsubscribe",
    ), status


def _unsubscribe(unsubscribing: _Unsubscribing, form: None):
    subject = unsubscribing.topic
    opt_out(unsubscribing.user_id, subject.name)
    return render_template(
        "links/done.html",
        title="You are unsubscribed",
        message=f"You will get no more {subject.title}. {subject.still_sent}",
    )


UNSUBSCRIBE_LINK = LinkKind(read=_read, load=_load, confirm=_ask, act=_unsubscribe)


@bp.route("/mail/unsubscribe/<topic_name>/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(topic_name: str, token: str):
    """Ask whether to stop a topic's mail; stop it when the button (or a mail provider) posts."""
    return open_link(UNSUBSCRIBE_LINK, token, topic_name=topic_name)
