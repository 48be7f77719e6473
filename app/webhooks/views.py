"""The admins' webhook pages: the endpoints (add one, its secret shown once), and per endpoint
its address and its verification ("verify again"), its events, its secret's rotation,
switching it off or on, removing it, and the delivery log with "send again" on a failed
delivery."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from app.auth.guards import admin_required
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.forms import show_errors
from app.webhooks import bp, services
from app.webhooks.core import EVENTS
from app.webhooks.forms import AddressForm, EndpointForm, EventsForm
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 100  # the latest deliveries an endpoint's page shows


def _list_page(form=None, new_secret: str | None = None, endpoint=None, status: int = 200):
    endpoints = db.session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    counts = dict(
        db.session.execute(
            sa.select(WebhookDelivery.endpoint_id, sa.func.count())
            .where(WebhookDelivery.status == DeliveryStatus.FAILED)
            .group_by(WebhookDelivery.endpoint_id)
        ).all()
    )
    page = render_template(
        "webhooks/endpoints.html",
        endpoints=endpoints,
        failed=counts,
        form=form or EndpointForm(),
        new_secret=new_secret,
        new_endpoint=endpoint,
        events=EVENTS,
    )
    return page, status


@bp.route("", methods=["GET", "POST"])
@admin_required
def endpoints():
    """The webhook endpoints, and a form to add one (its signing secret shown once)."""
    if request.method == "GET":
        return _list_page()
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list_page(form, status=400)
    try:
        endpoint, secret = services.add_endpoint(form.url.data, form.events.data or [])
    except InvalidInput as exc:
        show_errors(form, exc)
        return _list_page(form, status=400)
    return _list_page(new_secret=secret, endpoint=endpoint)


def _endpoint_page(endpoint_id: int, form=None, new_secret: str | None = None, status: int = 200, address=None):
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if form is None:
        form = EventsForm(events=list(endpoint.events or []))
    if address is None:
        address = AddressForm(url=endpoint.url)
    deliveries = db.session.scalars(
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_LENGTH)
    ).all()
    page = render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        form=form,
        address_form=address,
        deliveries=deliveries,
        new_secret=new_secret,
    )
    return page, status


@bp.route("/<int:endpoint_id>", methods=["GET", "POST"])
@admin_required
def endpoint(endpoint_id: int):
    """An endpoint: its events (changed here), its secret, its switch and its delivery log."""
    if request.method == "GET":
        return _endpoint_page(endpoint_id)
    db.get_or_404(WebhookEndpoint, endpoint_id)
    form = EventsForm()
    if not form.validate_on_submit():
        return _endpoint_page(endpoint_id, form, status=400)
    try:
        services.change_events(endpoint_id, form.events.data or [])
    except InvalidInput as exc:
        show_errors(form, exc)
        return _endpoint_page(endpoint_id, form, status=400)
    flash("The events are saved; the next events go out as chosen.", "info")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint_id))


@bp.route("/<int:endpoint_id>/address", methods=["POST"])
@admin_required
def address(endpoint_id: int):
    """Move an endpoint to another address, which must verify itself before events go there."""
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = AddressForm()
    if not form.validate_on_submit():
        return _endpoint_page(endpoint_id, address=form, status=400)
    before = endpoint.url
    try:
        services.change_address(endpoint_id, form.url.data)
    except InvalidInput as exc:
        show_errors(form, exc)
        return _endpoint_page(endpoint_id, address=form, status=400)
    if endpoint.url != before:
        flash("The address is changed. Events wait until it answers its verification.", "info")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint_id))


@bp.route("/<int:endpoint_id>/verify", methods=["POST"])
@admin_required
def verify(endpoint_id: int):
    """Send an endpoint waiting for verification a new challenge."""
    db.get_or_404(WebhookEndpoint, endpoint_id)
    try:
        services.verify_again(endpoint_id)
        flash("A new verification is on its way to the endpoint.", "info")
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint_id))


@bp.route("/<int:endpoint_id>/rotate", methods=["POST"])
@admin_required
def rotate(endpoint_id: int):
    """Make a new signing secret (shown once); the old one signs beside it for a day."""
    db.get_or_404(WebhookEndpoint, endpoint_id)
    secret = services.rotate_secret(endpoint_id)
    return _endpoint_page(endpoint_id, new_secret=secret)


@bp.route("/<int:endpoint_id>/switch", methods=["POST"])
@admin_required
def switch(endpoint_id: int):
    """Switch an endpoint off (its waiting deliveries fail) or on again."""
    db.get_or_404(WebhookEndpoint, endpoint_id)
    on = request.form.get("on") == "1"
    services.switch(endpoint_id, on)
    flash("The endpoint is switched on." if on else "The endpoint is switched off; nothing is sent to it.", "info")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint_id))


@bp.route("/<int:endpoint_id>/delete", methods=["POST"])
@admin_required
def delete(endpoint_id: int):
    """Remove an endpoint and its delivery log."""
    db.get_or_404(WebhookEndpoint, endpoint_id)
    services.delete_endpoint(endpoint_id)
    flash("The endpoint is removed.", "info")
    return redirect(url_for("webhooks.endpoints"))


@bp.route("/deliveries/<int:delivery_id>/again", methods=["POST"])
@admin_required
def send_again(delivery_id: int):
    """Send a failed delivery again (same webhook-id, same body)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        abort(404)
    endpoint_id = delivery.endpoint_id
    try:
        services.send_again(delivery_id)
        flash("The delivery is being sent again.", "info")
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint_id))
