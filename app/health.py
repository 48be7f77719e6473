"""Liveness for load balancers and process managers: answers without touching the database
or Redis, so a slow dependency never takes the web tier out of rotation by itself."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    """The process is up and serving requests."""
    return {"status": "ok"}
