"""Admin pages: people, teams and skills, importing people from CSV (`views`), and a
person's data, downloaded whole or erased (`personal_data_views`). The work itself is done
by the kernel's services in app.people."""

from flask import Blueprint

bp = Blueprint("admin", __name__, template_folder="templates")

from app.admin import personal_data_views, scim_views, views  # noqa: E402,F401
