"""Leavers: deactivating a person, and bringing them back.

Deactivating is one operation, whoever starts it (an admin's page, the API, directory sync
with no acting person), and safe to run twice: on a person already inactive it does nothing
and sends nothing. In one transaction:

1. the person is marked inactive, every sign-in of theirs (session and "keep me signed in"
   cookies) ends and every API token is revoked, so the next request they make is refused;
2. `person_leaving` is sent with their id, and each feature does its part in the same
   transaction, queueing its mail and jobs for after the commit: the help desk moves the
   questions waiting for them on and withdraws their own open questions, matching ends their
   mentorships (and proposes a new mentor to a new hire who lost one), and the weekly
   sessions take them off every series (a cancellation to them, nothing to the others).

What they wrote stays; `app.people.names` says how it is attributed (LEAVER_NAMES).
Reactivating lets them sign in again (with new API tokens); nothing that moved on comes back.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.auth.sessions import EndReason, end_sign_ins
from app.extensions import db
from app.people.models import User
from app.people.signals import leaving_preview, person_leaving
from app.webhooks import events as webhook_events


def leave(user_id: int) -> bool:
    """Deactivate an active person and have every feature do its part; return whether they
    were active (if not, nothing happens). The caller checked who may, and commits.

    The conditional update makes two deactivations racing each other act once."""
    if not _set(user_id, active=False):
        return False
    end_sign_ins(user_id, EndReason.DEACTIVATED)
    ApiToken.revoke_all(user_id)
    person_leaving.send(None, user_id=user_id)
    webhook_events.person("person.deactivated", user_id)
    db.session.flush()
    return True


def come_back(user_id: int) -> bool:
    """Let a deactivated person sign in again; return whether they were inactive. What moved
    on when they left stays moved."""
    return _set(user_id, active=True)


def _set(user_id: int, active: bool) -> bool:
    changed = db.session.execute(
        sa.update(User)
        .where(User.id == user_id, User.active.is_(not active))
        .values(active=active)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    return bool(changed)


def what_leaving_does(user_id: int) -> list[str]:
    """Short sentences saying what deactivating the person would change, feature by feature."""
    return [sentence for _, sentences in leaving_preview.send(None, user_id=user_id) for sentence in sentences or ()]
