"""The reply in an email: what the mentor wrote, from its plain part, else its HTML.

    reply_from_bodies(text, html) -> str

It stands above both halves: reply_text trims a plain-text body, and reply_html turns an
HTML body into text with that module's patterns before the same trimming.
"""

from __future__ import annotations

from app.mail.incoming.parse.reply_html import html_to_text
from app.mail.incoming.parse.reply_text import reply_text


def reply_from_bodies(text: str | None, html: str | None) -> str:
    """Return what the mentor wrote, from the plain part if it has any text, else the HTML."""
    if text and text.strip():
        return reply_text(text)
    if html and html.strip():
        return reply_text(html_to_text(html))
    return ""
