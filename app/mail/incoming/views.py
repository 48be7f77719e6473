"""`POST /mail/inbound`: received mail handed over by a mail provider, as raw MIME.

The request body is the whole email, as it arrived (Content-Type message/rfc822,
application/octet-stream or text/plain); nothing else is read from a form. The envelope,
where the provider knows it, may come as query parameters: `mail_from` and `rcpt_to`
(repeated). The provider proves itself with `Authorization: Bearer <INBOUND_MAIL_SECRET>`;
without a secret configured, the endpoint does not exist. As at the SMTP receiver, an email
is kept only when one of its recipients is a reply address (live or not) or a live return path: the
envelope's `rcpt_to` where given, else the addresses its header says it was sent to.
Answers are JSON:

    202 {"status": "received", "id": 17}      kept; a job reads it
    200 {"status": "duplicate"}               received before (same Message-ID)
    422 {"error": {"code": "invalid", ...}}   no recipient Unstuck takes mail for; not kept
    4xx {"error": {"code": ..., "message": ..., "fields": {}}}
    503 the same, when the email could not be kept: send it again later
"""

from __future__ import annotations

import hmac
import logging

from flask import abort, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from app.errors import CODES
from app.extensions import csrf
from app.mail import bp
from app.mail.addresses import takes_mail_for
from app.mail.incoming.intake import MAX_RECIPIENTS, receive
from app.mail.incoming.parse.message import parse_header

log = logging.getLogger(__name__)

RAW_TYPES = {"message/rfc822", "application/octet-stream", "text/plain"}


@bp.post("/mail/inbound")
@csrf.exempt
def incoming_mail():
    secret = current_app.config["INBOUND_MAIL_SECRET"]
    if not secret:
        abort(404)
    if not authorized(secret):
        response = error(401, "Send the shared secret as 'Authorization: Bearer <secret>'.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="inbound mail"'
        return response
    if request.mimetype not in RAW_TYPES:
        return error(415, "Send the raw email as the body, as message/rfc822.")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and limit and request.content_length > limit:
        return error(413, f"The email is larger than {limit:,} bytes.")
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return error(413, f"The email is larger than {limit:,} bytes.")
    if not raw.strip():
        return error(400, "The request body is empty; send the raw email.")
    rcpt_to = request.args.getlist("rcpt_to")
    try:
        automatic = request.args.get("mail_from", "").strip() in ("<>",)
        if not any(takes_mail_for(address, automatic) for address in recipients(raw, rcpt_to)):
            return error(
                422, "No recipient of this email is an Unstuck reply address or a live return path; it was not kept."
            )
        row = receive(raw, "http", request.args.get("mail_from", ""), rcpt_to)
    except SQLAlchemyError:
        log.exception("could not keep received mail")
        response = error(503, "The email could not be kept just now; please send it again later.")
        response.headers["Retry-After"] = "60"
        return response
    if row is None:
        return jsonify(status="duplicate"), 200
    return jsonify(status="received", id=row.id), 202


def recipients(raw: bytes, rcpt_to: list[str]) -> list[str]:
    """Who the email is for: the envelope's recipients, else those its header names."""
    if rcpt_to:
        return rcpt_to[:MAX_RECIPIENTS]
    header = parse_header(raw)
    return list(header.recipients[:MAX_RECIPIENTS]) if header is not None else []


def authorized(secret: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), secret.encode())


def error(status: int, message: str):
    response = jsonify({"error": {"code": CODES.get(status, "error"), "message": message, "fields": {}}})
    response.status_code = status
    return response
