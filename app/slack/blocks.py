"""A notice's card as Slack blocks, built with slack_sdk's Block Kit models and kept within
Slack's limits; and a card kept as JSON (a message's job and its revisions read it back).

What people wrote (the card's quote) is shown as plain text, so nothing in it is read as
markup, a mention or a link."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from app.notices.core import Button, Card

SECTION_CHARS = 3000  # a section's text
FIELD_CHARS = 2000  # one field of a section
FIELDS = 10  # fields in a section
BUTTON_CHARS = 75  # a button's label
VALUE_CHARS = 2000  # a button's value
URL_CHARS = 3000
ACTIONS = 25  # elements in an actions block
LINK_ACTION = "link:"  # the action_id prefix of buttons that only open a page


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escaped(text: str) -> str:
    """Text for mrkdwn that Slack shows as it is: its three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_blocks(card: Card, note: str = "") -> list[Block]:
    """The blocks of a message showing a card, with a short note under it (what a button did)."""
    heading = f"*{escaped(card.title)}*"
    if card.text:
        heading += f"\n{escaped(card.text)}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=short(heading, SECTION_CHARS)))]
    if card.quote.strip():
        blocks.append(SectionBlock(text=PlainTextObject(text=short(card.quote.strip(), SECTION_CHARS), emoji=False)))
    facts = [
        MarkdownTextObject(text=short(f"*{escaped(label)}*\n{escaped(value)}", FIELD_CHARS))
        for label, value in card.facts
        if label.strip() and value.strip()
    ]
    for start in range(0, len(facts), FIELDS):
        blocks.append(SectionBlock(fields=facts[start : start + FIELDS]))
    elements = [element for i, b in enumerate(card.buttons) if (element := _button(b, i)) is not None]
    if card.link:
        elements.append(
            ButtonElement(
                text=short(card.link_label, BUTTON_CHARS), url=card.link[:URL_CHARS], action_id=f"{LINK_ACTION}open"
            )
        )
    if elements:
        blocks.append(ActionsBlock(elements=elements[:ACTIONS]))
    if note:
        blocks.append(ContextBlock(elements=[PlainTextObject(text=short(note, SECTION_CHARS), emoji=False)]))
    return blocks


def _button(button: Button, index: int) -> ButtonElement | None:
    label = short(button.label, BUTTON_CHARS)
    style = button.style if button.style in ("primary", "danger") else None
    if button.action:
        return ButtonElement(text=label, action_id=button.action, value=button.value[:VALUE_CHARS] or "-", style=style)
    if button.url:
        return ButtonElement(text=label, url=button.url[:URL_CHARS], action_id=f"{LINK_ACTION}{index}", style=style)
    return None


def blocks_json(card: Card, note: str = "") -> list[dict]:
    return [block.to_dict() for block in card_blocks(card, note)]


def button_of(card: Card, action: str, value: str) -> Button | None:
    """The card's button that runs this action on this value, if it has one."""
    return next((b for b in card.buttons if b.action == action and (b.value or "-") == value), None)
