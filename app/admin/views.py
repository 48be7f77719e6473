"""Admin pages."""

from flask import render_template

from app.admin import bp
from app.auth.guards import admin_required


@bp.route("/people")
@admin_required
def people():
    """List everyone."""
    return render_template("admin/people.html")


@bp.route("/teams")
@admin_required
def teams():
    """List the teams."""
    return render_template("admin/teams.html")


@bp.route("/skills")
@admin_required
def skills():
    """List the skill catalogue."""
    return render_template("admin/skills.html")
