"""Sign-in and sign-out, role guards, and personal API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import views  # noqa: E402,F401
