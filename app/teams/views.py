"""The Teams pages: a person's own webhook address (linked from where they choose their
notices' channels), and a team's, for its lead and admins (linked from the team's sessions
and the admins' team page). An address is never shown again whole: only masked."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.errors import InvalidInput
from app.forms import show_errors
from app.teams import bp, services
from app.teams.cards import masked
from app.teams.forms import RemoveForm, WebhookForm


def _person_page(form: WebhookForm | None = None, status: int = 200):
    webhook = services.person_webhook(current_user.id)
    page = render_template(
        "teams/person.html",
        form=form or WebhookForm(),
        remove=RemoveForm(),
        saved=masked(webhook.url) if webhook else None,
    )
    return page, status


@bp.route("/profile/notices/microsoft-teams", methods=["GET", "POST"])
@login_required
def person():
    """Show, and save, the address of the signed-in person's Teams notices."""
    form = WebhookForm()
    if form.is_submitted():
        if not form.validate_on_submit():
            form.form_errors.append("The form had expired. Paste the address again and save.")
            return _person_page(form, 400)
        try:
            services.set_person_url(current_user.id, form.url.data)
        except InvalidInput as exc:
            show_errors(form, exc)
            return _person_page(form, 422)
        flash("Saved: choose Microsoft Teams below for the notices you want there.")
        return redirect(url_for("notices.choices"))
    return _person_page()


@bp.route("/profile/notices/microsoft-teams/test", methods=["POST"])
@login_required
def test_person():
    """Post a test card to the signed-in person's address."""
    if not RemoveForm().validate_on_submit():
        return _person_page(status=400)
    if services.send_test_card(user_id=current_user.id):
        flash("A test card is on its way: look in the chat where your workflow posts.")
    return redirect(url_for("teams.person"))


@bp.route("/profile/notices/microsoft-teams/remove", methods=["POST"])
@login_required
def remove_person():
    """Forget the signed-in person's address; their notices go by email again."""
    if not RemoveForm().validate_on_submit():
        return _person_page(status=400)
    if services.remove_person_url(current_user.id):
        flash("Removed: your notices no longer go to Microsoft Teams.")
    return redirect(url_for("teams.person"))


def _team_page(team, form: WebhookForm | None = None, status: int = 200):
    webhook = services.team_webhook(team.id)
    page = render_template(
        "teams/team.html",
        team=team,
        form=form or WebhookForm(),
        remove=RemoveForm(),
        saved=masked(webhook.url) if webhook else None,
    )
    return page, status


@bp.route("/teams/<int:team_id>/microsoft-teams", methods=["GET", "POST"])
@login_required
def team(team_id: int):
    """Show, and save, where a team's session notices are posted in Teams (its lead, or an admin)."""
    team = services.managed_team(team_id, current_user.id)
    form = WebhookForm()
    if form.is_submitted():
        if not form.validate_on_submit():
            form.form_errors.append("The form had expired. Paste the address again and save.")
            return _team_page(team, form, 400)
        try:
            services.set_team_url(team.id, current_user.id, form.url.data)
        except InvalidInput as exc:
            show_errors(form, exc)
            return _team_page(team, form, 422)
        flash(f"Saved: {team.name}'s session notices go to Microsoft Teams too.")
        return redirect(url_for("teams.team", team_id=team.id))
    return _team_page(team)


@bp.route("/teams/<int:team_id>/microsoft-teams/test", methods=["POST"])
@login_required
def test_team(team_id: int):
    """Post a test card to a team's address (its lead, or an admin)."""
    team = services.managed_team(team_id, current_user.id)
    if not RemoveForm().validate_on_submit():
        return _team_page(team, status=400)
    if services.send_test_card(team_id=team.id):
        flash("A test card is on its way: look in the team's channel.")
    return redirect(url_for("teams.team", team_id=team.id))


@bp.route("/teams/<int:team_id>/microsoft-teams/remove", methods=["POST"])
@login_required
def remove_team(team_id: int):
    """Forget a team's address: its session notices go by email only."""
    team = services.managed_team(team_id, current_user.id)
    if not RemoveForm().validate_on_submit():
        return _team_page(team, status=400)
    if services.remove_team_url(team.id, current_user.id):
        flash(f"Removed: {team.name}'s session notices no longer go to Microsoft Teams.")
    return redirect(url_for("teams.team", team_id=team.id))
