"""People and skills: the home page, and each person's own profile."""

from flask import Blueprint

bp = Blueprint("people", __name__, template_folder="templates")
