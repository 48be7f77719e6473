"""Mail problems, for admins: received mail that Unstuck gave up reading, and who was told.

Mail whose reading failed READ_ATTEMPTS times is not tried again (app.mail.incoming.intake); this
page lists it, newest first, with why it failed and whom the sender heard from us as.
Addresses whose mail is paused show on the people page.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from app.auth.guards import admin_required
from app.extensions import db
from app.mail import bp
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail

SHOWN = 100


@bp.route("/admin/mail")
@admin_required
def mail_problems():
    """List the received mail that could not be read, and who was told of it."""
    failed = db.session.scalars(
        sa.select(IncomingMail)
        .where(IncomingMail.status == IncomingStatus.FAILED)
        .order_by(IncomingMail.received_at.desc(), IncomingMail.id.desc())
        .limit(SHOWN)
    ).all()
    told = dict(
        db.session.execute(
            sa.select(OutboundMail.about_id, OutboundMail.to_email).where(
                OutboundMail.about_type == "inbound_mail",
                OutboundMail.about_id.in_([row.id for row in failed]),
                OutboundMail.kind == "reply_refused",
            )
        ).all()
    )
    return render_template("mail/problems.html", failed=failed, told=told, shown=SHOWN)
