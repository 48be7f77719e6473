"""Sign-in and sign-out (by password or a link by email), sign-in sessions, slowing down
password guessing, role guards, and personal API tokens."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")
