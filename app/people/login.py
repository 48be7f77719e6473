"""How Flask-Login finds the signed-in person, and what it does for strangers."""

from flask import redirect, request, url_for

from app.extensions import db, login_manager
from app.people.models import User


def init_login(app) -> None:
    """Set up the login manager for the app."""
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the active person with this id, or None."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized():
    """Send people to the sign-in page; answer 401 to the API and to non-GET requests."""
    from app.errors import error_response, wants_json

    if request.method == "GET" and not wants_json():
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    return error_response(401, "Please sign in to do this.")
