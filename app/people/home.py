"""The panels of the home page: each part of the app adds its own for a role, and the home
page shows, for each role the signed-in person holds, that role's panels in order.

A panel is a function of the person that returns what to show (a template and its values),
or None to show nothing. Each panel reads what it shows in one or two queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, render_template
from markupsafe import Markup

from app.people.models import Role, User

EXTENSION = "home_panels"
NOTHING_WAITS = "Nothing waits for you."


@dataclass(frozen=True)
class Shown:
    """What a panel shows: its template and the values the template reads."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    role: Role
    name: str
    order: int
    show: Callable[[User], Shown | None]


def register(app: Flask, role: Role, name: str, order: int, show: Callable[[User], Shown | None]) -> None:
    """Add a panel to the home page of everyone holding `role`; lower `order` comes first."""
    panels: list[Panel] = app.extensions.setdefault(EXTENSION, [])
    if any(p.role == role and p.name == name for p in panels):
        raise ValueError(f"a home panel {name!r} for {role.value} is registered twice")
    panels.append(Panel(role, name, order, show))


def panels_for(user: User) -> list[tuple[Role, list[Markup]]]:
    """Each role the person holds, with its panels rendered, in the order of the roles."""
    panels: list[Panel] = current_app.extensions.get(EXTENSION, [])
    shown = []
    for role in Role:
        if not user.has_role(role):
            continue
        html = []
        for panel in sorted((p for p in panels if p.role == role), key=lambda p: (p.order, p.name)):
            what = panel.show(user)
            if what is not None:
                html.append(Markup(render_template(what.template, nothing_waits=NOTHING_WAITS, **what.values)))
        if html:
            shown.append((role, html))
    return shown
