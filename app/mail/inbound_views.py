"""`POST /mail/inbound`: received mail handed over by a mail provider, as raw MIME.

The request body is the whole email, as it arrived (Content-Type message/rfc822,
application/octet-stream or text/plain); nothing else is read from a form. The envelope,
where the provider knows it, may come as query parameters: `mail_from` and `rcpt_to`
(repeated). The provider proves itself with `Authorization: Bearer <INBOUND_MAIL_SECRET>`;
without a secret configured, the endpoint does not exist. Answers are JSON:

    202 {"status": "received", "id": 17}      kept; a job reads it
    200 {"status": "duplicate"}               received before (same Message-ID)
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
from app.extensions import csrf, db
from app.mail import bp
from app.mail.receive import receive

log = logging.getLogger(__name__)

RAW_TYPES = {"message/rfc822", "application/octet-stream", "text/plain"}


@bp.post("/mail/inbound")
@csrf.exempt
def inbound_mail():
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
    try:
        row = receive(raw, "http", request.args.get("mail_from", ""), request.args.getlist("rcpt_to"))
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not keep received mail")
        response = error(503, "The email could not be kept just now; please send it again later.")
        response.headers["Retry-After"] = "60"
        return response
    if row is None:
        return jsonify(status="duplicate"), 200
    return jsonify(status="received", id=row.id), 202


def authorized(secret: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), secret.encode())


def error(status: int, message: str):
    response = jsonify({"error": {"code": CODES.get(status, "error"), "message": message, "fields": {}}})
    response.status_code = status
    return response
