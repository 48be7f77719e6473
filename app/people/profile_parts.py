"""Parts of the profile page that an integration adds (a chat app's link, say): each is a
template, included at the end of the page, that finds its own data."""

from __future__ import annotations

from flask import Flask, current_app


def register_profile_part(app: Flask, template: str) -> None:
    app.extensions.setdefault("profile_parts", []).append(template)


def profile_parts() -> list[str]:
    return list(current_app.extensions.get("profile_parts", []))
