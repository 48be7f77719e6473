"""Admin pages: people, teams, skills, importing people from CSV, and a person's data."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from app.admin import personal_data_views, views  # noqa: E402,F401
