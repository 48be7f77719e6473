"""What a mentor wrote in a reply by email, without the quoted original or the signature.

    reply_from_bodies(text, html) -> str   (reply) what callers use: the plain part, else the HTML
    reply_text(text) -> str                trim a plain-text body
    html_to_text(html) -> str              (reply_html) an HTML body as text, quotes removed

A text part sent with format=flowed should go through flowed.unflow() first. The text
is meant to be shown as Markdown: HTML lists become "- item", <pre> a ``` block.

Dropped: lines quoted with ">", the line that introduces them ("On ... wrote:" and its
forms), Outlook's "From: / Sent: / To: / Subject:" block and everything after it,
"-----Original Message-----" and forwarding lines and what follows them, the signature
after "-- ", footers that phones and apps add ("Sent from my iPhone"), legal footers, and a
contact card (name, title, phone) at the very end. Kept: everything else the mentor typed,
greeting and sign-off ("Thanks,\nAnna") included.

Choices a reader should know:
- A line starting with ">" is a quote, unless it sits inside a fenced code block (``` or
  ~~~) of the mentor's own, which is kept untouched. Outside code, the mentor's own "> "
  lines cannot be told from the original in plain text, so they go too; so do blockquotes
  of an HTML-only mail that are not marked as a reply's quote.
- Unquoted lines between quoted ones are the mentor's inline answers and are kept, unless
  they finish a long quoted line that the client wrapped without its ">".
- A contact card (lines with a phone number, address or web site) that ends the reply goes;
  the sign-off and name above it stay.
- The result has "\n" newlines, no trailing spaces, at most one blank line in a row
  (code included) and no blank lines at either end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.mail.incoming.parse.reply_marks import (
    ATTRIBUTION_MAX_LINES,
    CARD_MAX_LINES,
    CODE_FENCE,
    CONTACT_LINE,
    FIELD_KIND,
    HEADER_FIELD,
    LEGAL_FOOTER,
    LINK_AFTER_WORD,
    MOBILE_FOOTER,
    QUOTED,
    RULE,
    SEPARATOR,
    SIGNATURE_DELIMITER,
    VALEDICTION,
    WRAPPED_QUOTE_MAX_LINES,
    WRAPPED_QUOTE_MIN,
    is_attribution,
)


def reply_text(text: str) -> str:
    """Return the mentor's words from a plain-text body, without quotes or signature."""
    lines = normalise(text).split("\n")
    own = _own_lines(lines, _code_lines(lines))
    own = _without_signatures(own)
    own = _without_contact_card(_without_trailing_rules(own))
    return tidy("\n".join("" if line is None else line.text for line in own))


# --- Plain text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    code: bool = False


def normalise(text: str) -> str:
    """Unify newlines and the spaces and invisible marks that clients sprinkle in."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")


def tidy(text: str) -> str:
    """Strip trailing spaces, keep at most one blank line in a row, and none at either end."""
    lines = [line.rstrip() for line in text.split("\n")]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept).strip("\n")


def _code_lines(lines: list[str]) -> set[int]:
    """Return the indexes of lines inside closed code fences, the fences included."""
    code: set[int] = set()
    i = 0
    while i < len(lines):
        opening = CODE_FENCE.match(lines[i])
        if opening:
            fence = opening.group(1)
            close = next(
                (
                    j
                    for j in range(i + 1, len(lines))
                    if lines[j].strip().startswith(fence[0] * len(fence)) and not lines[j].strip().strip(fence[0])
                ),
                None,
            )
            if close is not None:
                code.update(range(i, close + 1))
                i = close
        i += 1
    return code


def _own_lines(lines: list[str], code: set[int]) -> list[_Line | None]:
    """Return the lines the mentor wrote, with None where quoted lines were left out."""
    own: list[_Line | None] = []
    i = 0
    while i < len(lines):
        if i in code:
            own.append(_Line(lines[i], code=True))
            i += 1
            continue
        wrapped_end = _wrapped_quote_end(lines, i)
        if QUOTED.match(lines[i]) or wrapped_end > i:
            if own and own[-1] is not None:
                own.append(None)
            i = max(i + 1, wrapped_end)
            continue
        end = _attribution_end(lines, i)
        if end is not None and _quoted_next(lines, end):
            # "On ... wrote:" above quoted lines: drop it, answers between the quotes stay.
            i = end
            continue
        if end is not None or SEPARATOR.match(lines[i]) or _is_header_block(lines, i):
            break
        own.append(_Line(lines[i]))
        i += 1
    return own


def _wrapped_quote_end(lines: list[str], i: int) -> int:
    """Return the index after the unquoted lines from i that are the rest of a long quoted line
    a client wrapped without its ">" (Gmail for Android does), or i if there are none.

    They sit right between quoted lines, below a quoted line cut mid-sentence, and all but the
    last of them are long too.
    """
    if not 0 < i < len(lines) or not QUOTED.match(lines[i - 1]):
        return i
    above = lines[i - 1].lstrip("> ").rstrip()
    if len(above) < WRAPPED_QUOTE_MIN or above.endswith((".", "!", "?", ":", ";")):
        return i
    for j in range(i, min(i + WRAPPED_QUOTE_MAX_LINES, len(lines))):
        if not lines[j].strip():
            return i
        if j + 1 == len(lines) or QUOTED.match(lines[j + 1]):
            return j + 1
        if len(lines[j].rstrip()) < WRAPPED_QUOTE_MIN:
            return i
    return i


def _attribution_end(lines: list[str], i: int) -> int | None:
    """Return the index after an "On ... wrote:" line (or lines) starting at i, else None."""
    joined = ""
    for j in range(i, min(i + ATTRIBUTION_MAX_LINES, len(lines))):
        if not lines[j].strip() or QUOTED.match(lines[j]):
            return None
        joined = f"{joined} {lines[j].strip()}".strip()
        if is_attribution(joined):
            return j + 1
    return None


def _quoted_next(lines: list[str], i: int) -> bool:
    """Tell whether the next line with text at or after i is quoted (or there is none)."""
    rest = [line for line in lines[i:] if line.strip()]
    return not rest or bool(QUOTED.match(rest[0]))


def _is_header_block(lines: list[str], i: int) -> bool:
    """Tell whether an Outlook-style header block (From:, Sent:, To:, Subject:) starts at i.

    It takes three kinds of field, one of them the sender and one the date or subject, so that
    a line such as "From: the release notes, ..." in the mentor's text is not one.
    """
    if not HEADER_FIELD.match(lines[i]):
        return False
    kinds: set[str] = set()
    wrapped = 0
    for line in lines[i : i + 10]:
        field = HEADER_FIELD.match(line)
        if field:
            kinds.add(FIELD_KIND[field.group("name").lower()])
            wrapped = 0
        elif line.strip() and wrapped < 2:  # a long "To:" wraps onto the next line
            wrapped += 1
        else:
            break
    return len(kinds) >= 3 and "from" in kinds and bool(kinds & {"sent", "subject"})


def _without_signatures(own: list[_Line | None]) -> list[_Line | None]:
    """Drop app footers, and the rest of a part of the reply after "-- " or a legal footer."""
    kept: list[_Line | None] = []
    skipping = False
    for line in own:
        if line is None:
            skipping = False
            kept.append(None)
        elif skipping:
            continue
        elif line.code:
            kept.append(line)
        elif SIGNATURE_DELIMITER.match(line.text) or LEGAL_FOOTER.match(line.text):
            skipping = True
        elif not MOBILE_FOOTER.match(LINK_AFTER_WORD.sub("", line.text).strip()):
            kept.append(line)
    return kept


def _without_trailing_rules(own: list[_Line | None]) -> list[_Line | None]:
    """Drop the "*****" or "-----" lines that were drawn above a footer now gone."""
    end = len(own)
    while end:
        last = own[end - 1]
        if last is not None and last.text.strip() and (last.code or not RULE.match(last.text)):
            break
        end -= 1
    return own[:end]


def _blank(line: _Line | None) -> bool:
    """Tell whether a line is where quoted lines were left out, or has no text."""
    return line is None or not line.text.strip()


def _without_contact_card(own: list[_Line | None]) -> list[_Line | None]:
    """Drop a contact card that ends the reply, keeping the sign-off and name above it."""
    end = len(own)
    while end and _blank(own[end - 1]):
        end -= 1
    start = end
    while start:
        line = own[start - 1]
        if line is None or not line.text.strip() or line.code:
            break
        start -= 1  # back to the blank line above the last paragraph
    card = [line.text.strip() for line in own[start:end] if line is not None]
    if not _is_contact_card(card):
        return own
    if VALEDICTION.match(card[0]):
        keep = 2  # "Best regards," and the name
    else:
        above = [line for line in own[:start] if line is not None and line.text.strip()]
        keep = 1 if above and VALEDICTION.match(above[-1].text.strip()) else 0
    return own[: start + keep]


def _is_contact_card(card: list[str]) -> bool:
    """Tell whether a paragraph is a name, title and phone number rather than sentences."""
    if not 2 <= len(card) <= CARD_MAX_LINES or any(len(line) > 80 for line in card):
        return False
    contacts = [line for line in card if CONTACT_LINE.search(line)]
    has_phone = any(re.search(r"\d[\d\s().\/-]{6,}\d", line) for line in contacts)
    sentences = [
        line
        for line in card
        if line not in contacts and (len(line.split()) > 8 or line.endswith(".") and len(line.split()) > 4)
    ]
    return has_phone and not sentences and not any(line.endswith(("?", "!", ":")) for line in card)
