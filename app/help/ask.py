"""Asking a stuck question (being written)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AskInput:
    """What a person fills in when they are stuck."""

    goal: str  # what I am trying to do
    stuck: str  # where I am stuck
    link: str = ""
    page_title: str = ""
    urgency: str = "can_wait"
    skills: tuple[str, ...] = ()  # skill names, as suggested and corrected
    visibility: str = "anonymous"
    request_key: str | None = None  # the form's one-time key, so a double submit asks once


def ask_question(asker_id: int, data: AskInput):
    """Save the question, then route it after the commit; raise InvalidInput if wrong."""
    raise NotImplementedError
