"""The admin's home panel: what is set up (teams, skills, people invited and joined, mail,
sign-in) and what is failing now (mail paused because it bounced, webhook endpoints that
keep failing or were switched off for it, jobs that failed)."""

from __future__ import annotations

from dataclasses import dataclass

import redis
import sqlalchemy as sa
from flask import Flask, current_app, url_for

from app import plurals
from app.extensions import db
from app.jobs import job_queues
from app.mail.outgoing.bounces import mail_pauses
from app.people import home
from app.people.invitations import Invitation
from app.people.models import Role, Skill, Team, User
from app.sso.settings import sso_enabled
from app.webhooks.models import WebhookEndpoint


@dataclass(frozen=True)
class Check:
    done: bool
    text: str
    link: str
    link_text: str


def _counts() -> sa.Row:
    """Teams, skills, invitations and joined invitations, in one query."""
    count = sa.func.count()
    return db.session.execute(
        sa.select(
            sa.select(count).select_from(Team).scalar_subquery().label("teams"),
            sa.select(count).select_from(Skill).scalar_subquery().label("skills"),
            sa.select(count).select_from(Invitation).scalar_subquery().label("invited"),
            sa.select(count).where(Invitation.joined_at.is_not(None)).scalar_subquery().label("joined"),
        )
    ).one()


def set_up_checks(webhooks: WebhookCounts) -> list[Check]:
    counts = _counts()
    server = current_app.config.get("MAIL_SERVER")
    return [
        Check(counts.teams > 0, f"Teams: {counts.teams}", url_for("admin.teams"), "Teams"),
        Check(counts.skills > 0, f"Skills: {counts.skills}", url_for("admin.skills"), "Skills"),
        Check(
            counts.joined > 0,
            f"People invited: {counts.invited}, joined: {counts.joined}",
            url_for("admin.people"),
            "People",
        ),
        Check(
            True,
            f"Mail goes out through {server}" if server else "Mail is written to the development outbox",
            url_for("mail.mail_problems"),
            "Mail problems",
        ),
        Check(
            True,
            "Sign-in: single sign-on" if sso_enabled() else "Sign-in: passwords and links by email",
            url_for("admin.people"),
            "People",
        ),
        Check(True, webhooks.line(), url_for("webhooks.endpoints"), "Webhooks"),
    ]


@dataclass(frozen=True)
class WebhookCounts:
    on: int  # endpoints switched on
    off: int  # switched off
    failing: int  # on, and every try fails now
    off_failing: int  # switched off while every try failed

    def line(self) -> str:
        return f"Webhooks: {plurals.count(self.on, 'endpoint')} on" + (f", {self.off} switched off" if self.off else "")


def webhook_counts() -> WebhookCounts:
    """The endpoints on and off, and those failing among each, in one query."""
    failing = sa.func.count(WebhookEndpoint.failing_since)
    rows = db.session.execute(
        sa.select(WebhookEndpoint.active, sa.func.count(), failing).group_by(WebhookEndpoint.active)
    )
    counts = {active: (total, failed) for active, total, failed in rows.all()}
    (on, failing_on), (off, failing_off) = counts.get(True, (0, 0)), counts.get(False, (0, 0))
    return WebhookCounts(on, off, failing_on, failing_off)


def failed_job_count() -> int | None:
    """How many jobs failed and stay failed; None when Redis cannot be reached to tell."""
    try:
        return sum(queue.failed_job_registry.count for queue in job_queues().queues.values())
    except redis.RedisError:
        return None


def show_set_up(user: User) -> home.Shown:
    emails = db.session.scalars(sa.select(User.email).where(User.active.is_(True))).all()
    webhooks = webhook_counts()
    return home.Shown(
        "people/home_setup.html",
        {
            "checks": set_up_checks(webhooks),
            "paused_mail": len(mail_pauses(emails)),
            "failed_jobs": failed_job_count(),
            "webhooks": webhooks,
        },
    )


def register(app: Flask) -> None:
    home.register(app, Role.ADMIN, "set-up", 10, show_set_up)
