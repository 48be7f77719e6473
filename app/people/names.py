"""How people are named beside what they wrote: their questions, answers and learnings.

The one rule: a person's name, unless they left (deactivated) and LEAVER_NAMES is "hide",
when their words show "A former colleague". An erased person's row already carries the name
"Former member <id>" (app.people.personal_data). Where the writer's row is gone altogether,
the page says so in its own words (`missing`).
"""

from __future__ import annotations

from flask import Flask, current_app

from app.people.models import User

FORMER_COLLEAGUE = "A former colleague"
LEAVER_NAME_CHOICES = ("keep", "hide")


def shown_name(user: User | None, missing: str = "Someone who has left") -> str:
    """The name to show beside what this person wrote."""
    if user is None:
        return missing
    return name_as_shown(user.name, user.active)


def name_as_shown(name: str, active: bool) -> str:
    """`shown_name` for a query that read a person's name and whether they are active."""
    if not active and current_app.config.get("LEAVER_NAMES", "keep") == "hide":
        return FORMER_COLLEAGUE
    return name


def init_names(app: Flask) -> None:
    """Check LEAVER_NAMES and give templates the `person_name` filter."""
    if app.config.get("LEAVER_NAMES", "keep") not in LEAVER_NAME_CHOICES:
        raise ValueError(
            f"LEAVER_NAMES must be one of {', '.join(LEAVER_NAME_CHOICES)}, not {app.config['LEAVER_NAMES']!r}"
        )
    app.jinja_env.filters["person_name"] = shown_name
