"""The page where a person chooses, topic by topic, which channels their notices take."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.extensions import db
from app.notices import bp
from app.notices.channels import registered
from app.notices.core import EMAIL, TOPICS
from app.notices.models import NoticeChoice


def _rows(picked: dict[str, set[str]] | None = None) -> list[dict]:
    if picked is None:  # what the person chose, in one query; a topic never chosen is email
        saved = dict(
            db.session.execute(
                sa.select(NoticeChoice.topic, NoticeChoice.channels).where(NoticeChoice.user_id == current_user.id)
            ).all()
        )
        picked = {topic: set(saved.get(topic) or [EMAIL]) for topic in TOPICS}
    return [{"topic": topic, "title": title, "picked": picked[topic]} for topic, title in TOPICS.items()]


def _page(form: FlaskForm, rows: list[dict], errors: dict[str, str] | None = None, status: int = 200):
    channels = [
        {
            "name": name,
            "title": channel.title,
            "ready": name == EMAIL or channel.reaches(current_user),
            "how_to_link": getattr(channel, "how_to_link", ""),
            "link_url": url_for(channel.link_endpoint) if getattr(channel, "link_endpoint", None) else None,
        }
        for name, channel in registered().items()
    ]
    return render_template("notices/choices.html", form=form, rows=rows, channels=channels, errors=errors or {}), status


@bp.route("/profile/notices", methods=["GET", "POST"])
@login_required
def choices():
    """Show and save where each topic's notices reach the signed-in person."""
    form = FlaskForm()
    if request.method == "GET":
        return _page(form, _rows())
    if not form.validate_on_submit():
        return _page(form, _rows(), {"form": "The form had expired. Choose again and save."}, 400)
    names = set(registered())
    picked = {topic: {c for c in request.form.getlist(topic) if c in names} for topic in TOPICS}
    errors = {topic: "Choose at least one place." for topic, channels in picked.items() if not channels}
    if errors:
        return _page(form, _rows(picked), errors, 422)
    for topic, channels in picked.items():
        db.session.merge(NoticeChoice(user_id=current_user.id, topic=topic, channels=sorted(channels)))
    flash("Saved: your notices go where you chose.")
    return redirect(url_for("notices.choices"))
