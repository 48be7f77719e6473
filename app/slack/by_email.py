"""Linking people from Unstuck, before they ever use the app in Slack: Slack is asked for
the user with the person's email address (users.lookupByEmail) in each workspace where the
app is installed, and that user is linked by linking's one rule (users.info: the address
is the one Slack confirmed). A person does it for themselves from their profile; an admin
does it for everyone not linked yet, with a job that goes through people in batches.

users.lookupByEmail is a Tier 3 method (about 50 calls a minute): when Slack answers 429,
the batch is left undone and the job's retry does it again later."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from rq import Retry
from slack_sdk.errors import SlackApiError, SlackClientError

from app.extensions import db
from app.jobs import enqueue_after_commit
from app.people.models import User
from app.slack.client import client_for
from app.slack.linking import link_confirmed
from app.slack.models import SlackLink, SlackWorkspace

log = logging.getLogger(__name__)

BATCH = 20  # people per job: a batch Slack rate-limits is done again whole
JOB_SECONDS = 600  # a batch's longest run: two calls per person and workspace, each up to 10 seconds
# A batch Slack rate-limited (or could not be reached for) is tried again after 1, 2, 5, 10 and 15 minutes.
RETRY = Retry(max=5, interval=[60, 120, 300, 600, 900])


class Outcome(enum.StrEnum):
    LINKED = "linked"
    NOT_FOUND = "not_found"  # no workspace knows the address
    UNCONFIRMED = "unconfirmed"  # a workspace knows it, but Slack has not confirmed it
    NOT_INSTALLED = "not_installed"  # the app is in no workspace
    REFUSED = "refused"  # Slack refused to answer (a revoked token, say)
    UNREACHABLE = "unreachable"  # Slack could not be reached


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    slack_name: str = ""
    workspace: str = ""
    error: str = ""


class RateLimited(Exception):
    """Slack asked Unstuck to wait before asking again (HTTP 429)."""


def installed_workspaces() -> list[SlackWorkspace]:
    return list(
        db.session.scalars(sa.select(SlackWorkspace).order_by(SlackWorkspace.team_name, SlackWorkspace.team_id))
    )


def link_by_email(person_id: int) -> Result:
    """Link a person to the Slack user with their email address in the first workspace where
    Slack confirmed it. Raises RateLimited when Slack asks to wait."""
    person = db.session.get(User, person_id)
    workspaces = installed_workspaces()
    if person is None or not workspaces:
        return Result(Outcome.NOT_INSTALLED)
    kept: Result | None = None  # the best answer so far, when no workspace links
    for workspace in workspaces:
        where = workspace.team_name or workspace.team_id
        try:
            client = client_for(workspace.team_id)
            found = client.users_lookupByEmail(email=person.email).get("user") or {}
            if not found.get("id"):
                continue
            checked = link_confirmed(client, workspace.team_id, found["id"], person.id)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if exc.response.status_code == 429 or error == "ratelimited":
                raise RateLimited(f"Slack asked to wait in {where}") from None
            if error not in ("users_not_found", "user_not_found"):
                log.warning("Slack refused to look a person up in %s: %s", where, error)
                kept = kept or Result(Outcome.REFUSED, workspace=where, error=error)
            continue
        except (SlackClientError, OSError) as exc:
            log.warning("Slack could not be reached to look a person up in %s: %s", where, exc)
            kept = Result(Outcome.UNREACHABLE, workspace=where)
            continue
        if checked.person is not None:
            return Result(Outcome.LINKED, checked.name, where)
        if not checked.confirmed and (kept is None or kept.outcome != Outcome.UNREACHABLE):
            kept = Result(Outcome.UNCONFIRMED, checked.name, where)
    return kept or Result(Outcome.NOT_FOUND)


def start_linking_people() -> None:
    """Link everyone not linked yet, by a job, once the transaction commits."""
    enqueue_after_commit(link_people_job, 0, retry=RETRY, job_timeout=JOB_SECONDS)


def not_linked(after_id: int):
    """The active people with no Slack link, after a person id."""
    return (
        sa.select(User.id)
        .where(User.active.is_(True), User.id > after_id, ~sa.exists().where(SlackLink.user_id == User.id))
        .order_by(User.id)
    )


def link_people_job(after_id: int = 0) -> int:
    """Link a batch of the active people not linked yet (ids after `after_id`), then hand the
    rest to the next job; return how many were linked. Someone linked meanwhile is skipped,
    so running it again links no one twice. Raises (for the job's retry) when Slack asks to
    wait or cannot be reached: the batch is then done again."""
    if not installed_workspaces():
        return 0
    ids = list(db.session.scalars(not_linked(after_id).limit(BATCH)))
    linked = 0
    for person_id in ids:
        result = link_by_email(person_id)
        if result.outcome == Outcome.UNREACHABLE:
            raise ConnectionError(f"Slack could not be reached in {result.workspace}")
        linked += result.outcome == Outcome.LINKED
    if len(ids) == BATCH:
        enqueue_after_commit(link_people_job, ids[-1], retry=RETRY, job_timeout=JOB_SECONDS)
    log.info("linked %s of %s people to Slack by their email", linked, len(ids))
    return linked


def linked_counts() -> tuple[int, int]:
    """How many active people are linked in Slack, and how many active people there are."""
    active = User.active.is_(True)
    people = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(active)) or 0
    linked = (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(SlackLink.user_id)))
            .join(User, User.id == SlackLink.user_id)
            .where(active)
        )
        or 0
    )
    return linked, people


def links_in(workspace_id: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(SlackLink.workspace_id == workspace_id)) or 0
