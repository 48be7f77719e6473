"""The calendar feed pages: a person's own feed address (and making a new one), and the feed
calendar apps fetch without signing in, the secret token in its address their only key."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.times import time_with_zone
from app.urls import external_url
from sessions import bp
from sessions.series import feed

# Calendar apps fetch again on their own schedule (REFRESH-INTERVAL); a cache between them
# and Unstuck must neither share one person's feed with others nor keep it for long.
FEED_HEADERS = {
    "Cache-Control": "private, max-age=300",
    "Content-Disposition": 'inline; filename="unstuck-sessions.ics"',
    "X-Robots-Tag": "noindex",
}


class NewFeedForm(FlaskForm):
    """Making a new feed address: a button, and the CSRF token that proves it was pressed here."""


@bp.route("/feed", methods=["GET", "POST"])
@login_required
def feed_settings():
    """Show the person's feed address; a POST makes a new one, and the old one stops working."""
    form = NewFeedForm()
    if form.validate_on_submit():
        had_one = feed.has_feed(current_user.id)
        feed.new_token(current_user.id)
        flash(
            "Your new feed address is below. The old address no longer works: calendars "
            "subscribed to it get no more sessions from it."
            if had_one
            else "Your feed address is below.",
            "success",
        )
        return redirect(url_for("sessions.feed_settings"))
    address = None
    if feed.has_feed(current_user.id):
        address = external_url("sessions.feed", token=feed.feed_token(current_user.id))
    fetched = feed.last_fetched(current_user.id)
    return render_template(
        "sessions/feed_settings.html",
        form=form,
        address=address,
        webcal=address and "webcal://" + address.split("://", 1)[1],
        fetched=time_with_zone(fetched, current_user.timezone) if fetched else None,
        series=feed.series_in_feed(current_user),
    ), 400 if form.errors else 200


@bp.get("/feed/<token>.ics", endpoint="feed")
def subscription(token: str):
    """The feed of the person whose secret token this is; 404 for any other token."""
    user = feed.fetch_by_token(token)
    if user is None:
        abort(404)
    body = feed.feed_for(user)
    return Response(body, headers=FEED_HEADERS, content_type="text/calendar; charset=utf-8")
