"""The panels of the home page: each part of the app adds its own for a role, and the home
page shows, for each role the signed-in person holds, that role's panels in order.

A panel is a function of the person that returns what to show (a template and its values),
or None to show nothing. Each panel reads what it shows in one or two queries. A panel
that fails (a bug, a query the database refuses) is logged and replaced by a line saying
so; the others still show, each read inside a savepoint so that a refused query does not
take the rest of the page's transaction with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, render_template
from markupsafe import Markup

from app.extensions import db
from app.people.models import Role, User

log = logging.getLogger(__name__)

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
            shown_panel = _render(panel, user)
            if shown_panel is not None:
                html.append(shown_panel)
        if html:
            shown.append((role, html))
    return shown


def _render(panel: Panel, user: User) -> Markup | None:
    """The panel's HTML, None when it shows nothing, or a line saying it failed."""
    try:
        with db.session.begin_nested():
            what = panel.show(user)
            if what is None:
                return None
            return Markup(render_template(what.template, nothing_waits=NOTHING_WAITS, **what.values))
    except Exception:
        log.exception("home panel %r for %s failed (user %s)", panel.name, panel.role.value, user.id)
        return Markup(render_template("people/home_panel_failed.html", name=panel.name))
