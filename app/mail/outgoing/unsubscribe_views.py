"""The one-click unsubscribe page: a GET asks, a POST unsubscribes.

Mail providers send the RFC 8058 one-click POST themselves, without our form's CSRF token;
the signed token in the URL is what authorizes it, so the POST is exempt from CSRF.
"""

from __future__ import annotations

from flask import abort, render_template, request

from app.extensions import csrf
from app.mail import bp
from app.mail.outgoing.unsubscribe import opt_out, read_unsubscribe_token, topic
from app.tokens import TokenError, link_problem_page


@bp.route("/mail/unsubscribe/<topic_name>/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(topic_name: str, token: str):
    try:
        subject = topic(topic_name)
    except KeyError:
        abort(404)
    try:
        user_id = read_unsubscribe_token(token, topic_name)
    except TokenError as error:
        return link_problem_page(error)
    if request.method == "GET":
        return render_template(
            "links/confirm.html",
            title=f"Unsubscribe from {subject.title}?",
            message=subject.still_sent,
            button="Unsubscribe",
        )
    opt_out(user_id, topic_name)
    return render_template(
        "links/done.html",
        title="You are unsubscribed",
        message=f"You will get no more {subject.title}. {subject.still_sent}",
    )
