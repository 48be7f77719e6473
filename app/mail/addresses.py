"""The addresses Unstuck receives mail at, and nothing else: reply addresses and return paths.

    address = reply_address("question", question.id, mentor.id)  # in the caller's transaction
    found = find_reply_address(["Reply+AB12...@unstuck.example"])  # any case
    bounce_address(mail.id)             # bounce+<id>-<signature>@MAIL_DOMAIN, for MAIL FROM
    find_bounced_mail([...])            # the sent email whose live return path is among these
    takes_mail_for("x@unstuck.example")     # what the receiver takes mail for

Reply addresses are `reply+<key>@MAIL_DOMAIN`, one per purpose, object and person. The key
is random and stored, so an address can be revoked without touching any other, and it is
lower-case base32, so a mail server that changes the case of an address (some do) still
finds it. A reply address is an answer channel only for the person it was made for:
incoming mail checks the sender against `user_id`.

Each email goes out with a return path of its own (VERP): the id of the email with an
HMAC of it under SECRET_KEY, in lower-case base32 too. A delivery report sent there proves
that it answers that email, to that one address; the return path takes reports while the
email is BOUNCE_DAYS old at most and no failure of it was counted yet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.mail.models import MailStatus, OutboundMail, ReplyAddress

KEY_BYTES = 15  # 120 random bits, 24 base32 characters
LOCAL_PART = re.compile(r"^reply\+([a-z2-7]{24})$")
BOUNCE_LOCAL_PART = re.compile(r"^bounce\+([1-9][0-9]{0,9})-([a-z2-7]{24})$")
# Mail servers report a failure within days (most give up after five): a return path
# older than this takes no report.
BOUNCE_DAYS = 14


def new_key() -> str:
    return base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode().lower()


def reply_address(purpose: str, object_id: int, user_id: int) -> str:
    """Return the reply address for this purpose, object and person, creating it if needed.

    A revoked address stays revoked: the same triple gets a new key.
    """
    return format_address(reply_key(purpose, object_id, user_id))


def reply_key(purpose: str, object_id: int, user_id: int) -> str:
    """Return the live key for this purpose, object and person, creating one if needed."""
    row = db.session.scalar(
        sa.select(ReplyAddress).where(
            ReplyAddress.purpose == purpose, ReplyAddress.object_id == object_id, ReplyAddress.user_id == user_id
        )
    )
    if row is not None and row.revoked_at is None:
        return row.key
    if row is not None:  # revoked: the old key stops working for good, a new one is made
        row.key, row.revoked_at, row.created_at = new_key(), None, utcnow()
        db.session.flush()
        return row.key
    key = new_key()
    values = dict(key=key, purpose=purpose, object_id=object_id, user_id=user_id, created_at=utcnow())
    if insert_unless_exists(ReplyAddress.__table__, values, ["purpose", "object_id", "user_id"]) is None:
        # Another transaction made it meanwhile; theirs is the one.
        return db.session.scalar(
            sa.select(ReplyAddress.key).where(
                ReplyAddress.purpose == purpose, ReplyAddress.object_id == object_id, ReplyAddress.user_id == user_id
            )
        )
    return key


def format_address(key: str) -> str:
    return f"reply+{key}@{current_app.config['MAIL_DOMAIN']}"


def key_of(address: str) -> str | None:
    """Return the key of a reply address in our mail domain, in any case; None otherwise."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != current_app.config["MAIL_DOMAIN"].lower():
        return None
    match = LOCAL_PART.match(local.lower())
    return match.group(1) if match else None


def find_reply_address(addresses: list[str]) -> ReplyAddress | None:
    """Return the live reply address among these addresses, if there is one.

    Revoked and unknown keys find nothing, exactly as if they had never existed.
    """
    keys = [key for key in map(key_of, addresses) if key]
    if not keys:
        return None
    return db.session.scalar(
        sa.select(ReplyAddress)
        .where(ReplyAddress.key.in_(keys), ReplyAddress.revoked_at.is_(None))
        .order_by(ReplyAddress.id)
        .limit(1)
    )


def revoke_reply_addresses(purpose: str, object_id: int, user_id: int | None = None) -> int:
    """Stop the reply addresses of an object (or of one person for it) working; return how many."""
    where = [ReplyAddress.purpose == purpose, ReplyAddress.object_id == object_id, ReplyAddress.revoked_at.is_(None)]
    if user_id is not None:
        where.append(ReplyAddress.user_id == user_id)
    result = db.session.execute(sa.update(ReplyAddress).where(*where).values(revoked_at=utcnow()))
    return result.rowcount


# -- return paths ----------------------------------------------------------------------


def bounce_address(mail_id: int) -> str:
    """The return path of one recorded email: where reports of its delivery are sent."""
    signature = _signature(mail_id, current_app.config["SECRET_KEY"])
    return f"bounce+{mail_id}-{signature}@{current_app.config['MAIL_DOMAIN']}"


def _signature(mail_id: int, key: str | bytes) -> str:
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"unstuck.bounce.{mail_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:KEY_BYTES]).decode().lower()


def bounced_mail_id(address: str) -> int | None:
    """The id of the email whose genuine return path this is, in any case; None otherwise."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if domain.lower() != current_app.config["MAIL_DOMAIN"].lower():
        return None
    match = BOUNCE_LOCAL_PART.match(local.lower())
    if match is None:
        return None
    mail_id, given = int(match.group(1)), match.group(2)
    # Signed with SECRET_KEY; return paths of mail sent before a key change still verify.
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    if any(hmac.compare_digest(_signature(mail_id, key), given) for key in keys):
        return mail_id
    return None


def find_bounced_mail(addresses: list[str]) -> OutboundMail | None:
    """Return the sent email whose live return path is among these addresses, if any.

    Live means: the signature is ours, the email was sent at most BOUNCE_DAYS ago, and no
    report of its failure was counted yet.
    """
    ids = [mail_id for mail_id in map(bounced_mail_id, addresses) if mail_id]
    if not ids:
        return None
    return db.session.scalar(
        sa.select(OutboundMail)
        .where(
            OutboundMail.id.in_(ids),
            OutboundMail.status == MailStatus.SENT,
            OutboundMail.bounced_at.is_(None),
            OutboundMail.sent_at > utcnow() - timedelta(days=BOUNCE_DAYS),
        )
        .order_by(OutboundMail.id)
        .limit(1)
    )


def takes_mail_for(address: str, automatic: bool = False) -> bool:
    """Whether Unstuck takes mail for this address: any address of the form of a reply
    address, live or not, and a live return path; from an empty envelope sender
    (`automatic`: bounces and other mail nobody may answer), live addresses only.

    Mail from a person to a reply address that is not (or no longer) live is read like any
    other, so that a person of ours who wrote to one hears why nothing was posted
    (app.mail.incoming.checks); and taking all of them tells nobody at RCPT which keys are live.
    """
    if key_of(address) is not None and not automatic:
        return True
    return find_reply_address([address]) is not None or find_bounced_mail([address]) is not None
