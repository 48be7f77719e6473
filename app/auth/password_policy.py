"""What makes a password good enough: long enough, not too long, and hard to guess.

    problem = password_problem(password, min_length=10, about=["ada@example.com", "Ada Lovelace"])

Guessability is zxcvbn's estimate (Dropbox's approach: common passwords, names, words,
keyboard patterns, dates and repeats, all from lists shipped with the package, so nothing
is sent anywhere). A password must score at least GOOD_SCORE of 4, counted with the
person's own email, name and "unstuck" as words a guesser would try first. Pure: no
Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

MAX_LENGTH = 200
GOOD_SCORE = 3
# zxcvbn refuses to score more than 72 characters; a longer password's first 72 decide.
SCORED_LENGTH = 72
SITE_WORDS = ("unstuck",)


def guesser_words(about: Iterable[str]) -> list[str]:
    """The words a guesser would try first: each given text whole and in its parts (an
    email's name and domain, a name's words), and the site's own name."""
    words: list[str] = list(SITE_WORDS)
    for text in about:
        text = (text or "").strip().lower()
        if not text:
            continue
        words.append(text)
        words += [part for part in re.split(r"[\s@._+-]+", text) if len(part) > 1]
    return list(dict.fromkeys(words))


def password_problem(password: str, min_length: int, about: Iterable[str] = ()) -> str | None:
    """Say what is wrong with a new password, in words for the person choosing it; None when
    it is good enough. `about` holds what is known of the person (email, name)."""
    password = password or ""
    if len(password) < min_length:
        return f"A password has at least {min_length} characters."
    if len(password) > MAX_LENGTH:
        return f"A password has at most {MAX_LENGTH} characters."
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=guesser_words(about))
    if result["score"] >= GOOD_SCORE:
        return None
    feedback = result.get("feedback") or {}
    advice = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    said = " ".join(line.strip() for line in advice if line and line.strip())
    return f"This password is too easy to guess. {said or 'Add another word or two. Uncommon words are better.'}"
