"""Skills mentioned in a piece of text, found by their names and aliases.

Pure: the catalogue comes in as plain values, so this runs without Flask or a database.
Matching ignores case and finds whole words only: "SQL" is not found in "PostgreSQL",
"Java" not in "JavaScript", "C" not in "C#". Names may hold spaces and punctuation
("Machine learning", "C#", "Node.js", "CI/CD"); where two names overlap the longer wins,
so "Node.js" is one mention, not also one of "Node".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Short all-letter names such as "Go", "R" or "C" are also everyday words and letters
# ("go ahead", "plan C"); they count only when written with the catalogue's capitals.
EXACT_CASE_UP_TO = 2


@dataclass(frozen=True)
class CatalogueSkill:
    """A skill as the suggester sees it: its id, its name and its aliases."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


def term_key(term: str) -> str:
    """Return the lookup form of a name or alias: single spaces, no case."""
    return " ".join(term.split()).casefold()


def _pattern(term: str) -> str:
    words = [re.escape(word) for word in term.split()]
    body = r"\s+".join(words)  # a line break or two spaces inside a name still match
    if len(term) <= EXACT_CASE_UP_TO and term.isalpha():
        return body
    return f"(?i:{body})"


@lru_cache(maxsize=16)
def _matcher(terms: tuple[str, ...]) -> re.Pattern | None:
    """One expression for the whole catalogue, longest terms first so the longest wins."""
    if not terms:
        return None
    ordered = sorted(terms, key=lambda t: (-len(t), t))
    # Not inside a word before; after, not a word character nor the "#"/"+" of C#, C++.
    return re.compile(r"(?<!\w)(?:" + "|".join(_pattern(t) for t in ordered) + r")(?![\w#+])")


def suggest_skills(text: str, catalogue: Iterable[CatalogueSkill], limit: int = 8) -> list[CatalogueSkill]:
    """Return the skills the text mentions, the most mentioned first, then the earliest."""
    owners: dict[str, CatalogueSkill] = {}
    terms: set[str] = set()
    for skill in catalogue:
        for term in (skill.name, *skill.aliases):
            key = term_key(term)
            if key and key not in owners:
                owners[key] = skill
                terms.add(" ".join(term.split()))
    matcher = _matcher(tuple(sorted(terms)))
    if matcher is None or not text:
        return []
    counts: dict[int, int] = {}
    first: dict[int, int] = {}
    found: dict[int, CatalogueSkill] = {}
    for match in matcher.finditer(text):
        skill = owners.get(term_key(match.group()))
        if skill is None:
            continue
        found[skill.id] = skill
        counts[skill.id] = counts.get(skill.id, 0) + 1
        first.setdefault(skill.id, match.start())
    ranked = sorted(found, key=lambda sid: (-counts[sid], first[sid]))
    return [found[sid] for sid in ranked[:limit]]
