"""What the admin's people pages tests share: a valid person form, readers of a page, and the
signed-in admin and the commits made as fixtures."""

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def shows(response, message: str) -> bool:
    """Tell whether the page shows the message (as the template escapes it)."""
    return str(escape(message)) in response.get_data(as_text=True)


def field_html(response, name: str) -> str:
    """Return a field's HTML from its input to the end of its box: hint, suggestions, errors."""
    return response.get_data(as_text=True).split(f'name="{name}"', 1)[1].split("</div>", 1)[0]


def person_form(**changes) -> dict:
    """A complete, valid person form, with changes."""
    data = {
        "email": "grace@example.com",
        "name": "Grace Hopper",
        "roles": ["mentor"],
        "team_id": "",
        "title": "Engineer",
        "level": "3",
        "timezone": "Europe/Berlin",
        "work_start": "08:00",
        "work_end": "16:00",
        "start_date": "",
        "manager_email": "",
        "max_mentees": "2",
        "max_open_questions": "5",
        "password": "",
        "away_from": "",
        "away_until": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin(make, auth):
    user = make.admin(name="Ada Admin", email="ada@example.com")
    auth.sign_in(user)
    return user


@pytest.fixture
def commits(app):
    """The commits the database session makes during the test, as a growing list."""
    made = []

    def counted(session):
        made.append(session)

    sa.event.listen(db.session, "after_commit", counted)
    yield made
    sa.event.remove(db.session, "after_commit", counted)
