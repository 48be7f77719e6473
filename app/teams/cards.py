"""The pure parts of Teams notices: a notice's card drawn as an Adaptive Card in the message a
Teams Workflows webhook takes, and which webhook addresses may be kept.

    message(card)                      # {"type": "message", "attachments": [{... the card ...}]}
    url_problem(url, allow_any_host)   # why an address is refused, or None
    masked(url)                        # how a saved address is shown again

Adaptive Cards' TextBlock reads a subset of Markdown, so every text is escaped to show as it
was written. A button with only an action (no url) is left out: a webhook card cannot call
Unstuck back, so its buttons only open pages in Unstuck.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from app.notices.core import Card

CARD_VERSION = "1.5"  # the highest that Teams renders on desktop and the web
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a message of more than about 28 KB; the card stays under this, with room to spare.
MAX_MESSAGE_BYTES = 27_000
SHORTENED = "The text is shortened here: read all of it in Unstuck."
URL_MAX = 2000

# The hosts Microsoft gives Workflows (and the older connectors') webhook addresses on.
MICROSOFT_HOSTS = ("webhook.office.com", "logic.azure.com", "powerplatform.com", "powerautomate.com")

BUTTON_STYLES = {"primary": "positive", "danger": "destructive"}

# Characters that Markdown gives a meaning to anywhere in a line; a backslash makes each literal.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")
_LINE_BREAKS = re.compile(r"\r\n?|\n")


def escape(text: str) -> str:
    """Text that shows exactly as written in a TextBlock: Markdown's characters escaped, and
    each line break kept as one (a single line break would run lines together)."""
    lines = _LINE_BREAKS.split(text.strip())
    return "\n\n".join(_MARKDOWN.sub(r"\\\1", line.strip()) for line in lines if line.strip())


def _text(text: str, **style) -> dict:
    return {"type": "TextBlock", "text": escape(text), "wrap": True, **style}


def _open(label: str, url: str, style: str | None = None) -> dict:
    action = {"type": "Action.OpenUrl", "title": label, "url": url}
    if style in BUTTON_STYLES:
        action["style"] = BUTTON_STYLES[style]
    return action


def actions(card: Card) -> list[dict]:
    """The card's buttons that open a page, then its link (unless a button opens it already)."""
    opened = [_open(b.label, b.url, b.style) for b in card.buttons if b.url]
    if card.link and card.link not in {a["url"] for a in opened}:
        opened.append(_open(card.link_label, card.link))
    return opened


def adaptive_card(card: Card, quote: str | None = None, fact_chars: int | None = None) -> dict:
    """The card as an Adaptive Card; `quote` replaces the card's own (a shortened one, which
    the card then says), and `fact_chars` shortens each fact's value."""
    body: list[dict] = [_text(card.title, weight="Bolder", size="Medium", style="heading")]
    if card.text.strip():
        body.append(_text(card.text))
    shown = card.quote if quote is None else quote
    if shown.strip():
        body.append({"type": "Container", "style": "emphasis", "items": [_text(shown)]})
    if quote is not None and quote != card.quote:
        body.append(_text(SHORTENED, isSubtle=True, size="Small"))
    if card.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": escape(t), "value": escape(_cut(v, fact_chars))} for t, v in card.facts],
            }
        )
    content: dict = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION, "body": body}
    opened = actions(card)
    if opened:
        content["actions"] = opened
    content["fallbackText"] = escape(card.title)
    return content


def _cut(text: str, chars: int | None) -> str:
    if chars is None or len(text) <= chars:
        return text
    return text[: max(chars - 1, 0)].rstrip() + "…"


def wrap(content: dict) -> dict:
    """The message a Workflows webhook takes: one Adaptive Card attachment."""
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": content}],
    }


def encoded(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def message(card: Card, limit: int = MAX_MESSAGE_BYTES) -> dict:
    """The whole message for a card, under `limit` bytes: a quote too long for it is
    shortened (and the card says so); if the facts alone are too long, they are shortened too."""
    payload = wrap(adaptive_card(card))
    if len(encoded(payload)) <= limit:
        return payload
    for fact_chars in (None, 500, 100):

        def fits(keep: int, fact_chars: int | None = fact_chars) -> bool:
            shown = _cut(card.quote, keep) if keep else ""
            return len(encoded(wrap(adaptive_card(card, quote=shown, fact_chars=fact_chars)))) <= limit

        if not fits(0):
            continue
        # The longest start of the quote that fits, found by halving (escaping makes sizes uneven).
        low, high = 0, len(card.quote)
        while low < high:
            keep = (low + high + 1) // 2
            low, high = (keep, high) if fits(keep) else (low, keep - 1)
        return wrap(adaptive_card(card, quote=_cut(card.quote, low) if low else "", fact_chars=fact_chars))
    return wrap(adaptive_card(card, quote="", fact_chars=100))


# -- webhook addresses --------------------------------------------------------------------


def url_problem(url: str, allow_any_host: bool = False) -> str | None:
    """Why a webhook address cannot be kept (None if it can): an https address on one of
    Microsoft's webhook hosts, with no name or password in it. `allow_any_host` takes any
    host, and plain http (development and tests)."""
    url = url.strip()
    if not url:
        return "Paste the address of your Workflows webhook."
    if len(url) > URL_MAX:
        return f"That address is longer than {URL_MAX} characters: it cannot be a Workflows webhook."
    if any(c.isspace() for c in url):
        return "An address has no spaces in it: paste it again, in one piece."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "That is not a web address."
    schemes = ("https", "http") if allow_any_host else ("https",)
    if parts.scheme not in schemes:
        return "The address must start with https://."
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return "That is not a web address."
    if parts.username is not None or parts.password is not None:
        return "The address must not hold a name or password."
    if allow_any_host:
        return None
    if port not in (None, 443):
        return "The address must not name a port other than 443."
    if not any(host == known or host.endswith("." + known) for known in MICROSOFT_HOSTS):
        return (
            "That is not a Teams webhook address: it must be on one of Microsoft's webhook hosts "
            f"({', '.join(MICROSOFT_HOSTS)})."
        )
    return None


def masked(url: str) -> str:
    """A saved address as a page shows it again: its host and the last four characters, the
    rest (which works as a password) hidden."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…{url[-4:]}"
