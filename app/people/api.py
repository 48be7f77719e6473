"""JSON API for people, teams and skills."""

from flask_smorest import Blueprint

blp = Blueprint("people_api", __name__, description="People, teams and skills")


@blp.route("/people/me")
@blp.response(200)
def me():
    """The person the token belongs to."""
    from app.api import api_user

    user = api_user()
    return {"id": user.id, "email": user.email, "name": user.name}
