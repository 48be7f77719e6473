"""A learning's words: the checks a new one must pass, and the learnings in a reply by email.

Plain Python, no Flask, no database.

How a reply is read (the prompt email says the same to the people who write it):
- One item per line. Bullets ("- ", "* ", "1. ") are taken off.
- A line starting with a label, "Learned:", "Want to learn:" or "Stuck on:" (any case;
  "I learned:", "Stuck:" and similar forms too), is an item of that kind, and lines under
  it without a label are of the same kind, so a label alone on a line heads a list.
- Lines before any label count as something the person learned.
- A greeting on the first line ("Hi all,") and a short sign-off at the end ("Thanks,\\nAna")
  are left out; the quoted email and the signature were taken off before (app.mail.incoming.parse.reply_text).
- An item over TEXT_MAX characters, or more than MAX_ITEMS items, refuses the whole reply:
  nothing is cut and nothing is half-saved, and the person is told why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEXT_MAX = 500  # "a sentence or two"
MAX_ITEMS = 20  # in one reply
KINDS = ("learned", "want", "stuck")
REPLY_LABELS = {"learned": "Learned:", "want": "Want to learn:", "stuck": "Stuck on:"}

_LABEL_WORDS = {
    "learned": ("learned", "learnt", "i learned", "i learnt", "what i learned", "today i learned", "til"),
    "want": ("want to learn", "i want to learn", "what i want to learn", "want", "to learn"),
    "stuck": (
        "stuck on",
        "stuck",
        "i got stuck on",
        "got stuck on",
        "i was stuck on",
        "where i got stuck",
        "blocked on",
        "blocked",
    ),
}
_KIND_OF = {words: kind for kind, forms in _LABEL_WORDS.items() for words in forms}
LABEL = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_KIND_OF, key=len, reverse=True))
    + r")\s*:\s*(?P<rest>.*)$",
    re.I,
)
BULLET = re.compile(r"^(?:[-*•‣–]|\d{1,2}[.)])\s+")
# A name under a greeting or a sign-off: up to three capitalised words ("Ana", "Ana Lima").
_NAME = r"(?:\s+[A-Z][\w'’.-]*){0,3}"
GREETING = re.compile(
    r"^(?i:hi|hello|hey|hiya|dear|good\s+(?:morning|afternoon|evening)|hallo|moin|servus)"
    r"(?:\s+(?i:all|team|everyone|folks|there))?" + _NAME + r"\s*[,!.]?$"
)
SIGN_OFF = re.compile(
    r"^(?i:thanks|thank\s+you|thx|cheers|best|best\s+wishes|regards|kind\s+regards|"
    r"best\s+regards|warm\s+regards|all\s+the\s+best|bye|see\s+you|ciao|"
    r"viele\s+grüße|liebe\s+grüße|grüße|lg|vg)\s*[,!.]?" + _NAME + r"\s*[,!.]?$"
)
SIGN_OFF_NAME_LINES = 2  # lines after a sign-off that are taken as the name under it
NAME_CHARS = 40


@dataclass(frozen=True)
class NewLearning:
    kind: str
    text: str


def tidy(text: str | None) -> str:
    """The text as it is kept: one line, single spaces, no spaces at the ends."""
    return " ".join((text or "").split())


def learning_problems(kind: str | None, text: str | None) -> dict[str, str]:
    """What is wrong with a new learning, by field, in words a person can act on; empty when
    nothing is."""
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "Choose what it is: what you learned, what you want to learn or where you got stuck."
    words = tidy(text)
    if not words:
        problems["text"] = "Write a sentence or two."
    elif len(words) > TEXT_MAX:
        problems["text"] = (
            f"Please keep it to a sentence or two: at most {TEXT_MAX} characters (this has {len(words):,})."
        )
    return problems


def read_reply(text: str) -> list[NewLearning]:
    """The learnings in a reply's own words (see the module's rules), in order, each once."""
    lines = _without_greeting_and_sign_off([line.strip() for line in text.splitlines() if line.strip()])
    kind, found, seen = "learned", [], set()
    for line in lines:
        body = BULLET.sub("", line, count=1)
        label = LABEL.match(body)
        if label:
            kind = _KIND_OF[" ".join(label.group("label").lower().split())]
            body = BULLET.sub("", label.group("rest").strip(), count=1)
        body = tidy(body)
        if body and (kind, body.casefold()) not in seen:
            seen.add((kind, body.casefold()))
            found.append(NewLearning(kind, body))
    return found


def reply_problem(items: list[NewLearning]) -> str | None:
    """Why a reply's learnings cannot be added, in words for the person who sent it, or None."""
    if not items:
        return (
            f"We found no learnings in your reply. Write each on its own line, starting with "
            f"{_labels()}, and send it again."
        )
    if len(items) > MAX_ITEMS:
        return (
            f"Your reply has {len(items)} items; please send at most {MAX_ITEMS} in one email. "
            "Nothing from it was added."
        )
    for item in items:
        if len(item.text) > TEXT_MAX:
            start = item.text[:60].rstrip()
            return (
                f'The item starting "{start}…" has {len(item.text):,} characters. Please keep '
                f"each item to a sentence or two (at most {TEXT_MAX} characters) and send your "
                "reply again. Nothing from it was added."
            )
    return None


def _labels() -> str:
    labels = list(REPLY_LABELS.values())
    return ", ".join(f'"{label}"' for label in labels[:-1]) + f' or "{labels[-1]}"'


def _without_greeting_and_sign_off(lines: list[str]) -> list[str]:
    if lines and GREETING.match(lines[0]) and not LABEL.match(lines[0]):
        lines = lines[1:]
    for back in range(1, min(len(lines), SIGN_OFF_NAME_LINES + 1) + 1):
        at = len(lines) - back
        tail = lines[at + 1 :]
        if (
            SIGN_OFF.match(lines[at])
            and not LABEL.match(lines[at])
            and all(len(line) <= NAME_CHARS and not LABEL.match(line) for line in tail)
        ):
            return lines[:at]
    return lines
