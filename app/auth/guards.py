"""Role guards for views."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.people.models import Role


def role_required(*roles: Role):
    """Let a view through only for signed-in people holding one of the roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(Role.ADMIN)
