"""The Slack app's routes: Slack's requests (events, commands, interactivity), the install
flow for admins, linking and unlinking from the profile, the admin's page of workspaces
(where everyone is linked at once), and the page where a team's lead chooses the team's
channel."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from app.auth.guards import admin_required
from app.extensions import db
from app.people.models import Role, Team
from app.slack import bp
from app.slack.by_email import (
    Outcome,
    RateLimited,
    installed_workspaces,
    link_by_email,
    linked_counts,
    links_in,
    start_linking_people,
)
from app.slack.client import client_for
from app.slack.linking import links_of, unlink
from app.slack.models import SlackTeamChannel, SlackWorkspace
from app.slack.store import seen_before

REPLAY_WINDOW_SECONDS = 60 * 5 + 60  # Slack's five minutes, and a minute of clock skew


def _handler() -> SlackRequestHandler:
    return SlackRequestHandler(current_app.extensions["slack_bolt"])


@bp.url_value_preprocessor
def keep_signed_body(endpoint, values) -> None:
    """Keep the raw body of Slack's requests before anything reads their form (the request
    checks do, before every view): the signature is over the body as sent."""
    if endpoint == "slack.events":
        request.get_data(cache=True)


@bp.route("/slack/events", methods=["POST"])
def events():
    """Everything Slack sends: events, slash commands, shortcuts, button clicks and modals.
    Signed by Slack (checked here and by Bolt), and never the same signed request twice."""
    body = request.get_data(as_text=True)
    verifier = SignatureVerifier(current_app.config["SLACK_SIGNING_SECRET"])
    if not verifier.is_valid_request(body, dict(request.headers)):
        return {"error": {"code": "unsigned", "message": "This request is not signed by Slack."}}, 401
    if seen_before("signature:" + request.headers.get("X-Slack-Signature", ""), REPLAY_WINDOW_SECONDS):
        return {"error": {"code": "replayed", "message": "This request was already received."}}, 401
    return _handler().handle(request)


@bp.route("/slack/install")
@admin_required
def install():
    """Start Slack's OAuth v2 install: Slack asks the admin to allow Unstuck in a workspace."""
    return _handler().handle(request)


@bp.route("/slack/oauth_redirect")
@admin_required
def oauth_redirect():
    """Where Slack sends the admin back: the state is checked and the workspace kept."""
    return _handler().handle(request)


@bp.route("/slack/links/<int:link_id>/unlink", methods=["POST"])
@login_required
def unlink_slack(link_id: int):
    """Forget which Slack user the signed-in person is (their next use of Slack links again)."""
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("The form had expired. Try again.", "error")
        return redirect(url_for("people.profile"))
    unlink(current_user.id, link_id)  # NotFound for another person's link
    flash("Your Slack account is unlinked: Unstuck no longer writes to you there.", "success")
    return redirect(url_for("people.profile"))


@bp.route("/profile/slack")
@login_required
def link_page():
    """The signed-in person's Slack links, and the button that links them by their email address."""
    return render_template(
        "slack/link.html", form=FlaskForm(), links=links_of(current_user.id), workspaces=installed_workspaces()
    )


def _said(outcome: Outcome, name: str, workspace: str, error: str) -> str:
    return {
        Outcome.LINKED: f"Linked as {name} in {workspace}. Unstuck now writes to you there for the notices you "
        "chose Slack for.",
        Outcome.NOT_FOUND: f"No Slack workspace where Unstuck is installed has a member with your email address "
        f"({current_user.email}). Use that address in Slack, or ask an admin to change it in Unstuck.",
        Outcome.UNCONFIRMED: f"{workspace} has a member with your email address, but Slack has not confirmed it: "
        "confirm it in Slack, then try again.",
        Outcome.NOT_INSTALLED: "Unstuck is not installed in a Slack workspace yet: an admin installs it first.",
        Outcome.REFUSED: f"Slack refused to look you up in {workspace} ({error}). Try again later, or tell an admin.",
        Outcome.UNREACHABLE: "Slack could not be reached. Nothing changed: try again in a few minutes.",
    }[outcome]


@bp.route("/profile/slack/link", methods=["POST"])
@login_required
def link_me():
    """Link the signed-in person to the Slack user with their email address, if Slack confirmed it."""
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("The form had expired. Try again.", "error")
        return redirect(url_for("slack.link_page"))
    try:
        result = link_by_email(current_user.id)
    except RateLimited:
        flash("Slack asks Unstuck to wait a moment. Nothing changed: try again in a minute.", "error")
        return redirect(url_for("slack.link_page"))
    message = _said(result.outcome, result.slack_name, result.workspace, result.error)
    flash(message, "success" if result.outcome == Outcome.LINKED else "error")
    return redirect(url_for("slack.link_page"))


@bp.route("/admin/slack")
@admin_required
def admin():
    """The workspaces where Unstuck is installed, and how many people are linked."""
    workspaces = [(workspace, links_in(workspace.team_id)) for workspace in installed_workspaces()]
    linked, people = linked_counts()
    return render_template("slack/admin.html", form=FlaskForm(), workspaces=workspaces, linked=linked, people=people)


@bp.route("/admin/slack/link-people", methods=["POST"])
@admin_required
def link_people():
    """Link, in the background, every active person not linked yet whose email address Slack confirmed."""
    form = FlaskForm()
    if not form.validate_on_submit():
        flash("The form had expired. Try again.", "error")
    elif not installed_workspaces():
        flash("Unstuck is not installed in a Slack workspace yet: install it first.", "error")
    else:
        start_linking_people()
        flash(
            "Linking people by their email address: this page shows how many are linked once it is done "
            "(a few seconds for every fifty people).",
            "success",
        )
    return redirect(url_for("slack.admin"))


def _team_for_lead(team_id: int) -> Team:
    team = db.get_or_404(Team, team_id)
    if current_user.has_role(Role.ADMIN) or team.lead_id == current_user.id:
        return team
    abort(403 if current_user.team_id == team.id else 404)


@bp.route("/slack/teams/<int:team_id>/channel", methods=["GET", "POST"])
@login_required
def team_channel(team_id: int):
    """Choose the Slack channel where the team's notices (a session's summary) are posted."""
    team = _team_for_lead(team_id)
    form = FlaskForm()
    workspaces = db.session.scalars(sa.select(SlackWorkspace).order_by(SlackWorkspace.team_name)).all()
    chosen = db.session.get(SlackTeamChannel, team.id)
    error = ""
    if request.method == "POST":
        if not form.validate_on_submit():
            error = "The form had expired. Try again."
        elif request.form.get("remove"):
            if chosen is not None:
                db.session.delete(chosen)
            flash(f"{team.name}'s notices are no longer posted in Slack.", "success")
            return redirect(url_for("slack.team_channel", team_id=team.id))
        else:
            workspace_id = request.form.get("workspace", "")
            channel_id = request.form.get("channel", "").strip().lstrip("#")
            try:
                name = _channel_name(workspace_id, channel_id, {w.team_id for w in workspaces})
            except ValueError as exc:
                error = str(exc)
            else:
                chosen = chosen or SlackTeamChannel(team_id=team.id)
                chosen.workspace_id, chosen.channel_id, chosen.channel_name = workspace_id, channel_id, name
                db.session.add(chosen)
                flash(f"{team.name}'s notices are posted in #{name}.", "success")
                return redirect(url_for("slack.team_channel", team_id=team.id))
    page = render_template(
        "slack/team_channel.html", team=team, form=form, workspaces=workspaces, chosen=chosen, error=error
    )
    return page, 422 if error else 200


def _channel_name(workspace_id: str, channel_id: str, installed: set[str]) -> str:
    """The name of a channel the bot can post in; ValueError saying what is wrong."""
    if workspace_id not in installed:
        raise ValueError("Choose a workspace where Unstuck is installed.")
    if not channel_id or len(channel_id) > 32 or not channel_id.isalnum():
        raise ValueError("Give the channel's ID, such as C0123ABCD (in Slack: the channel's details, at the bottom).")
    try:
        channel = client_for(workspace_id).conversations_info(channel=channel_id)["channel"]
    except SlackApiError as exc:
        raise ValueError(f"Slack does not show Unstuck that channel ({exc.response.get('error')}).") from None
    if channel.get("is_archived") or channel.get("is_im") or channel.get("is_mpim"):
        raise ValueError("Choose a channel that is open to the team, not a direct message or an archived one.")
    return channel.get("name") or channel_id
