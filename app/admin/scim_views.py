"""Admin page for directory sync: the SCIM tokens the identity provider calls /scim/v2 with,
made (the secret shown once) and revoked."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.admin import bp
from app.auth.guards import admin_required
from app.extensions import db, utcnow
from app.scim.models import ScimToken


class ScimTokenForm(FlaskForm):
    name = StringField("Which identity provider is it for?", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Make a SCIM token")


def _page(form=None, new_token: str | None = None, status: int = 200):
    tokens = db.session.scalars(sa.select(ScimToken).order_by(ScimToken.revoked_at.is_not(None), ScimToken.id.desc()))
    return (
        render_template(
            "admin/scim_tokens.html", tokens=list(tokens), form=form or ScimTokenForm(), new_token=new_token
        ),
        status,
    )


@bp.route("/scim-tokens", methods=["GET", "POST"])
@admin_required
def scim_tokens():
    """The SCIM tokens, live and revoked, and a form to make one (its secret shown once)."""
    if request.method == "GET":
        return _page()
    form = ScimTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    _, secret = ScimToken.issue(form.name.data, current_user.id)
    return _page(new_token=secret)


@bp.route("/scim-tokens/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke_scim_token(token_id: int):
    """Revoke a SCIM token: the identity provider's next call with it is refused."""
    token = db.session.get(ScimToken, token_id)
    if token is None:
        abort(404)
    token.revoked_at = token.revoked_at or utcnow()
    flash("The SCIM token is revoked; it no longer works.", "info")
    return redirect(url_for("admin.scim_tokens"))
